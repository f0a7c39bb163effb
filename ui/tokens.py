"""Bearer tokens for `andon mcp serve --http`: random, shown once, stored only as a hash.

A token is 32 random bytes, so a plain SHA-256 is enough to store it (nothing to guess from the
hash), and checking it costs microseconds per request, where a password hash would cost tens of
milliseconds on every MCP call. Every configured hash is compared, in constant time, so the answer
time does not tell which user (if any) a token is close to.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ui.config import AndonSettings, UserAccount
from ui.system import users

__all__ = ["TOKEN_PREFIX", "hash_token", "new_token", "token_user", "tokens_configured"]

TOKEN_PREFIX = "andon_"
_SCHEME = "sha256"


def new_token() -> str:
    """A fresh random token (`andon_` + 43 url-safe characters)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What to store in andon.toml as a user's `token_hash`: `sha256$<hex>`."""
    return f"{_SCHEME}${hashlib.sha256(token.encode('utf-8')).hexdigest()}"


def tokens_configured(settings: AndonSettings) -> bool:
    """Whether any configured user has a token hash (demo users never do)."""
    return any(account.token_hash is not None for account in users(settings))


def token_user(settings: AndonSettings, token: str) -> UserAccount | None:
    """The user whose `token_hash` matches `token`, else None."""
    if not token:
        return None
    offered = hash_token(token).encode("ascii")
    found: UserAccount | None = None
    for account in users(settings):
        if account.token_hash is None:
            continue
        stored = account.token_hash.get_secret_value().strip().encode("ascii", "replace")
        # No early exit: every hash is compared, whichever matches.
        if hmac.compare_digest(offered, stored) and found is None:
            found = account
    return found
