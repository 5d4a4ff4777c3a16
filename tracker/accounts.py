"""Newsroom accounts: who may read and who may write.

Users live in one SQL table on the shared metadata (created with the rest of
the tracker's schema). Passwords are stored only as werkzeug hashes (scrypt).
Roles are ordered: a viewer reads, an editor also writes, an admin also
manages feeds and accounts.

Sessions can be revoked: each user has a session generation that a web
session must match, bumped by "sign out everywhere", a password change and a
role change; a single signed-out session is remembered in
``tracker_ended_sessions`` until it would have expired anyway. The column is
added to a users table created before it existed (``tracker init`` / start-up).
"""

from __future__ import annotations

import enum
import functools
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    delete,
    event,
    exists,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.domain.errors import InvalidField
from tracker.sql import metadata

MIN_PASSWORD = 8
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

users = Table(
    "tracker_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(256), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("session_generation", Integer, nullable=False, default=0, server_default="0"),
)

ended_sessions = Table(
    "tracker_ended_sessions",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False),  # epoch seconds; the row is useless afterwards
)


@event.listens_for(metadata, "after_create")
def _add_session_generation(_target: object, connection: Connection, **_kw: object) -> None:
    """Users tables made before session generations get the column (every worker may race here)."""
    inspector = inspect(connection)
    if not inspector.has_table(users.name):
        return
    if "session_generation" in {column["name"] for column in inspector.get_columns(users.name)}:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(f"ALTER TABLE {users.name} ADD COLUMN IF NOT EXISTS session_generation INTEGER NOT NULL DEFAULT 0")
        )
        return
    try:
        connection.execute(text(f"ALTER TABLE {users.name} ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0"))
    except (OperationalError, ProgrammingError) as error:
        if "duplicate column" not in str(error).lower():
            raise


class Role(enum.StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class DuplicateUser(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"a user named {name!r} already exists")


class UnknownUser(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no user named {_shown(name)}")


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created_at: datetime

    def can(self, needed: Role) -> bool:
        return self.role.allows(needed)


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: the user and the session generation the new session must carry."""

    user: User
    generation: int


def _shown(name: str) -> str:
    """A name for a one-line message: control characters escaped, long names cut."""
    return repr(name if len(name) <= 64 else name[:64] + "…")


def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.fullmatch(name):
        raise InvalidField(
            "name",
            f"{_shown(name)} must be 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
        )
    return name


def clean_role(role: str) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidField("role", f"unknown role {role!r} (known: {known})") from None


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise InvalidField("password", f"must be at least {MIN_PASSWORD} characters long")
    return password


class Accounts:
    """The users table, through the runtime's shared engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_user(self, name: str, password: str, role: str = Role.VIEWER) -> User:
        name, role_value = clean_name(name), clean_role(role)
        digest = generate_password_hash(check_password(password))
        created = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(users).values(name=name, password_hash=digest, role=role_value.value, created_at=created)
                )
        except IntegrityError:
            raise DuplicateUser(name) from None
        return User(name=name, role=role_value, created_at=created)

    def set_password(self, name: str, password: str) -> None:
        """A new password; every session of the user ends."""
        digest = generate_password_hash(check_password(password))
        self._update(name, password_hash=digest)

    def set_role(self, name: str, role: str) -> None:
        """A new role; every session of the user ends."""
        self._update(name, role=clean_role(role).value)

    def end_all_sessions(self, name: str) -> None:
        """Signs the user out everywhere: every session cookie issued so far is refused."""
        self._update(name)

    def _update(self, name: str, **values: object) -> None:
        statement = update(users).where(users.c.name == name)
        statement = statement.values(session_generation=users.c.session_generation + 1, **values)
        with self.engine.begin() as conn:
            if not _is_name(name) or conn.execute(statement).rowcount != 1:
                raise UnknownUser(name)

    def end_session(self, session_id: str, expires_at: float) -> None:
        """Refuses one session from now on (until ``expires_at``, when it would expire anyway)."""
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(delete(ended_sessions).where(ended_sessions.c.expires_at <= now))
            if expires_at > now:
                conn.execute(delete(ended_sessions).where(ended_sessions.c.session_id == session_id))
                conn.execute(insert(ended_sessions).values(session_id=session_id, expires_at=expires_at))

    def session_user(self, name: str, generation: int, session_id: str) -> User | None:
        """The user of a live session: the generation matches and the session was not ended."""
        if not _is_name(name):
            return None
        ended = exists().where(ended_sessions.c.session_id == session_id)
        query = select(users).where(users.c.name == name, users.c.session_generation == generation, ~ended)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _user(row) if row else None

    def get(self, name: str) -> User | None:
        if not _is_name(name):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
        return _user(row) if row else None

    def all(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.name)).all()
        return [_user(row) for row in rows]

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when name and password match; None otherwise (never says which was wrong)."""
        signed_in = self.sign_in(name, password)
        return signed_in.user if signed_in else None

    def sign_in(self, name: str, password: str) -> SignIn | None:
        """Like :meth:`authenticate`, with the generation a new session must carry.

        A name that cannot exist (control characters, NUL, too long) is
        never sent to the database, which may refuse it (PostgreSQL and NUL).
        """
        name = (name or "").strip()
        row = None
        if _is_name(name):
            with self.engine.connect() as conn:
                row = conn.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            check_password_hash(_dummy_hash(), password or "")  # same work either way
            return None
        if not check_password_hash(row.password_hash, password or ""):
            return None
        return SignIn(user=_user(row), generation=int(row.session_generation))


def _is_name(name: str) -> bool:
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def _user(row) -> User:  # type: ignore[no-untyped-def]
    created = row.created_at
    if created.tzinfo is None:  # SQLite drops the zone
        created = created.replace(tzinfo=UTC)
    return User(name=row.name, role=Role(row.role), created_at=created)


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password")
