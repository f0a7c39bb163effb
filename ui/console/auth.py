"""Console sign-in: salted scrypt password hashes; demo users have documented demo passwords."""

from __future__ import annotations

import base64
import functools
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


@functools.cache
def _decoy_hash() -> str:
    # Checked against when no hash exists for the name, so an unknown user costs the same scrypt work as a
    # wrong password: the answer's timing does not tell which user names exist.
    return hash_password(secrets.token_hex(16))


def authenticate(settings: AndonSettings, name: str, password: str) -> UserAccount | None:
    """The account when the name and password match, else None.

    Configured users must have a password hash. The built-in demo users (used only when no users
    are configured) sign in with their user name as password, as the README documents. Every
    failure with configured users does one scrypt check, whether the name exists or not.
    """
    account = next((a for a in users(settings) if a.name == name), None)
    if account is not None and account.password_hash is not None:
        return account if verify_password(password, account.password_hash.get_secret_value()) else None
    if account is not None and settings.users is None:
        return account if hmac.compare_digest(password.encode("utf-8"), account.name.encode("utf-8")) else None
    verify_password(password, _decoy_hash())
    return None
