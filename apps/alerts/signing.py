"""The webhook signature, Django-free: HMAC-SHA256 of the exact body bytes under the rule's secret."""

import hashlib
import hmac

HEADER = "X-Voipmon-Signature"


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(secret, body, header_value):
    return hmac.compare_digest(signature(secret, body), header_value or "")
