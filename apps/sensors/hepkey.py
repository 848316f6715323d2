"""HEP authentication keys: generated, shown once, stored as a salted hash (no Django import).

The listener checks a key on every packet, so the hash is one salted SHA-256 (keys we generate hold
192 random bits; a slow password hash would let a flood of wrong keys stall the listener). The
listener also caches each (agent id, key) it has checked.
"""

import hashlib
import hmac
import secrets

SCHEME = "sha256"


def hep_key_generate():
    return secrets.token_urlsafe(24)


def hep_key_hash(key):
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((salt + key).encode()).hexdigest()
    return f"{SCHEME}${salt}${digest}"


def hep_key_check(stored, key):
    """True when ``key`` (str or bytes) is the one ``stored`` was made from."""
    try:
        scheme, salt, digest = stored.split("$", 2)
    except (AttributeError, ValueError):
        return False
    if scheme != SCHEME:
        return False
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    return hmac.compare_digest(hashlib.sha256((salt + key).encode()).hexdigest(), digest)
