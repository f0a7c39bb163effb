"""What every console worker must see alike, kept in the plant database: sign-in sessions, the secret
that seals the browser's copy of its sign-in, feedback, and the index of evaluation runs.

A sign-in is a random token; the database keeps only its sha256, the user, the conversation it is
on and when it expires. The browser keeps the token (sealed with the shared secret), so the page
opened on any worker behind the same address finds the same sign-in and the same conversation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

__all__ = ["SIGN_IN_HOURS", "SharedConsoleState", "SignInRecord"]

#: How long a sign-in stays valid without signing in again.
SIGN_IN_HOURS = 12

_metadata = MetaData()

_SIGN_INS = Table(
    "console_sign_in",
    _metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_name", String(200), nullable=False),
    Column("session_id", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

_SECRETS = Table(
    "console_secret",
    _metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

_FEEDBACK = Table(
    "console_feedback",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", String(20), nullable=False),
    Column("session_id", String(64), nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("message_index", Integer, nullable=False),
    Column("liked", Boolean, nullable=False),
    Column("comment", Text, nullable=False),
    Column("answer", Text, nullable=False),
)

_EVAL_RUNS = Table(
    "eval_run_index",
    _metadata,
    Column("name", String(200), primary_key=True),
    Column("suite", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("card_markdown", Text, nullable=False),
    Column("report_json", Text, nullable=False),
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class SignInRecord:
    """A live sign-in: who, and which conversation the browser is on."""

    user: str
    session_id: str


class SharedConsoleState:
    """The console's shared tables in `engine` (created on first use, by whichever worker is first)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._ready = False

    def _ensure(self) -> None:
        if not self._ready:
            from ui.system import schema_lock

            with schema_lock(self.engine):
                _metadata.create_all(self.engine)
            self._ready = True

    # -- sign-in -----------------------------------------------------------------------------------

    def browser_secret(self) -> str:
        """The one secret every worker seals the browser's sign-in with (made by the first worker)."""
        self._ensure()
        with self.engine.begin() as conn:
            found = conn.execute(select(_SECRETS.c.value).where(_SECRETS.c.name == "browser")).scalar()
        if found is not None:
            return str(found)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(_SECRETS).values(name="browser", value=secrets.token_urlsafe(32)))
        except IntegrityError:  # another worker made it first: use theirs
            pass
        with self.engine.begin() as conn:
            return str(conn.execute(select(_SECRETS.c.value).where(_SECRETS.c.name == "browser")).scalar_one())

    def sign_in(self, user: str, session_id: str, *, hours: float = SIGN_IN_HOURS) -> str:
        """A new sign-in token for `user` on conversation `session_id`."""
        self._ensure()
        token = secrets.token_urlsafe(32)
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(delete(_SIGN_INS).where(_SIGN_INS.c.expires_at < now))
            conn.execute(
                insert(_SIGN_INS).values(
                    token_hash=_digest(token),
                    user_name=user,
                    session_id=session_id,
                    created_at=now,
                    expires_at=now + timedelta(hours=hours),
                )
            )
        return token

    def resume(self, token: str) -> SignInRecord | None:
        """The sign-in `token` stands for, or None when unknown, signed out or expired."""
        if not token:
            return None
        self._ensure()
        with self.engine.connect() as conn:
            row = conn.execute(
                select(_SIGN_INS.c.user_name, _SIGN_INS.c.session_id).where(
                    _SIGN_INS.c.token_hash == _digest(token), _SIGN_INS.c.expires_at > _now()
                )
            ).first()
        return SignInRecord(user=row.user_name, session_id=row.session_id) if row is not None else None

    def move_to(self, token: str, session_id: str) -> None:
        """The sign-in is on a new conversation now (New conversation)."""
        self._ensure()
        with self.engine.begin() as conn:
            conn.execute(
                update(_SIGN_INS).where(_SIGN_INS.c.token_hash == _digest(token)).values(session_id=session_id)
            )

    def sign_out(self, token: str) -> None:
        """End the sign-in on every worker."""
        self._ensure()
        with self.engine.begin() as conn:
            conn.execute(delete(_SIGN_INS).where(_SIGN_INS.c.token_hash == _digest(token)))

    # -- feedback ----------------------------------------------------------------------------------

    def add_feedback(self, entry: dict[str, Any]) -> None:
        """Store one thumbs up / down (the fields of the console's feedback line)."""
        self._ensure()
        row = {**entry, "user_name": entry["user"]}
        row.pop("user")
        with self.engine.begin() as conn:
            conn.execute(insert(_FEEDBACK).values(**row))

    def feedback(self) -> list[dict[str, Any]]:
        """Every feedback entry, oldest first."""
        self._ensure()
        with self.engine.connect() as conn:
            rows = conn.execute(select(_FEEDBACK).order_by(_FEEDBACK.c.id)).mappings().all()
        return [
            {**{k: v for k, v in row.items() if k not in ("id", "user_name")}, "user": row["user_name"]} for row in rows
        ]

    # -- evaluation runs ---------------------------------------------------------------------------

    def index_eval_run(self, name: str, suite: str, card_markdown: str, report_json: str) -> None:
        """Record a finished run so every worker lists and compares it."""
        self._ensure()
        with self.engine.begin() as conn:
            conn.execute(delete(_EVAL_RUNS).where(_EVAL_RUNS.c.name == name))
            conn.execute(
                insert(_EVAL_RUNS).values(
                    name=name, suite=suite, created_at=_now(), card_markdown=card_markdown, report_json=report_json
                )
            )

    def eval_runs(self) -> list[str]:
        """Run names, newest first."""
        self._ensure()
        with self.engine.connect() as conn:
            return list(conn.execute(select(_EVAL_RUNS.c.name).order_by(_EVAL_RUNS.c.name.desc())).scalars())

    def eval_report_json(self, name: str) -> str | None:
        self._ensure()
        with self.engine.connect() as conn:
            found = conn.execute(select(_EVAL_RUNS.c.report_json).where(_EVAL_RUNS.c.name == name)).scalar()
        return str(found) if found is not None else None
