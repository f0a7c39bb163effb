"""Console sign-in: salted scrypt password hashes; demo users have documented demo passwords."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from ui.config import AndonSettings, UserAccount
from ui.system import users

__all__ = ["authenticate", "hash_password", "verify_password"]

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A storable hash: `scrypt$N$r$p$salt$digest` (base64)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    encode = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of `password` against a hash made by `hash_password`."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def authenticate(settings: AndonSettings, name: str, password: str) -> UserAccount | None:
    """The account when the name and password match, else None.

    Configured users must have a password hash. The built-in demo users (used only when no users
    are configured) sign in with their user name as password, as the README documents.
    """
    for account in users(settings):
        if account.name != name:
            continue
        if account.password_hash is not None:
            return account if verify_password(password, account.password_hash.get_secret_value()) else None
        if settings.users is None and hmac.compare_digest(password, account.name):
            return account
        return None
    return None
