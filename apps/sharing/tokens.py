"""Share link tokens: `<random>.<tag>`, 256 random bits and a 96-bit HMAC tag keyed by the server's secret
key. The database keeps the SHA-256 of the whole token only. A guessed token fails the tag check
before any query, so scanning random tokens costs the server next to nothing and tells nothing
(every wrong token, tag or not, gets the same 404 page). Rotating SECRET_KEY keeps links working while
the old key is in SECRET_KEY_FALLBACKS."""

import base64
import hashlib
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

TAG_SALT = "voipmon.sharing.token"


def token_hash(token: str) -> str:
    return hashlib.sha256(str(token).encode("utf-8", "replace")).hexdigest()


def token_tag(secret: str, key=None) -> str:
    """The tag a token carries after its random part: 96 bits of an HMAC keyed by the server's secret key."""
    digest = salted_hmac(TAG_SALT, secret, secret=key, algorithm="sha256").digest()[:12]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def token_new() -> str:
    """`<random>.<tag>`: 256 random bits, then their tag. A guessed token fails the tag check without a
    database query, so a scan of random tokens costs the server next to nothing."""
    secret = secrets.token_urlsafe(32)
    return f"{secret}.{token_tag(secret)}"


def token_tag_valid(token: str) -> bool:
    secret, _dot, tag = token.rpartition(".")
    if not secret or len(tag) != 16:
        return False
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(tag, token_tag(secret, key)) for key in keys)
