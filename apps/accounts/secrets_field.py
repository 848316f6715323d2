"""Secrets the application must read back (the LDAP bind password), encrypted at rest.

Fernet (AES-128-CBC with HMAC-SHA256) with a key derived from SECRET_KEY by HKDF, so a database dump
or backup alone does not reveal the password. Values written under an older key still read while that
key is listed in SECRET_KEY_FALLBACKS; saving the object again re-encrypts them with the current key.
"""

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

log = logging.getLogger("voipmon.auth")
KEY_INFO = b"voipmon stored secrets v1"


def derived_key(secret_key):
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"voipmon", info=KEY_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(str(secret_key).encode()))


def cipher():
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]
    return MultiFernet([Fernet(derived_key(key)) for key in keys])


def secret_encrypt(value):
    """Plain text -> Fernet token ('' stays '': there is nothing to hide in "no password")."""
    if not value:
        return ""
    return cipher().encrypt(str(value).encode()).decode()


def secret_decrypt(token):
    """Fernet token -> plain text; '' when it cannot be read (SECRET_KEY changed without a fallback)."""
    if not token:
        return ""
    try:
        return cipher().decrypt(str(token).encode()).decode()
    except InvalidToken:
        log.error(
            "a stored secret cannot be decrypted: SECRET_KEY changed? Put the old key in "
            "SECRET_KEY_FALLBACKS or enter the secret again"
        )
        return ""


class EncryptedTextField(models.TextField):
    """Plain text in Python, a Fernet token in the database column."""

    def from_db_value(self, value, expression, connection):
        return secret_decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return secret_encrypt(value) if value is not None else value
