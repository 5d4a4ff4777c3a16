"""Newsroom accounts: who may read and who may write.

Users live in one SQL table on the shared metadata (created with the rest of
the tracker's schema). Passwords are stored only as werkzeug hashes (scrypt).
Roles are ordered: a viewer reads, an editor also writes, an admin also
manages feeds and accounts.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, String, Table, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
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
)


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
        super().__init__(f"no user named {name!r}")


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created_at: datetime

    def can(self, needed: Role) -> bool:
        return self.role.allows(needed)


def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.fullmatch(name):
        raise InvalidField(
            "name", f"{name!r} must be 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
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
        created = datetime.now(timezone.utc)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(users).values(name=name, password_hash=digest, role=role_value.value, created_at=created)
                )
        except IntegrityError:
            raise DuplicateUser(name) from None
        return User(name=name, role=role_value, created_at=created)

    def set_password(self, name: str, password: str) -> None:
        digest = generate_password_hash(check_password(password))
        with self.engine.begin() as conn:
            if conn.execute(update(users).where(users.c.name == name).values(password_hash=digest)).rowcount != 1:
                raise UnknownUser(name)

    def set_role(self, name: str, role: str) -> None:
        role_value = clean_role(role)
        with self.engine.begin() as conn:
            if conn.execute(update(users).where(users.c.name == name).values(role=role_value.value)).rowcount != 1:
                raise UnknownUser(name)

    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
        return _user(row) if row else None

    def all(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.name)).all()
        return [_user(row) for row in rows]

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when name and password match; None otherwise (never says which was wrong)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == (name or "").strip())).first()
        if row is None:
            check_password_hash(_dummy_hash(), password or "")  # same work either way
            return None
        if not check_password_hash(row.password_hash, password or ""):
            return None
        return _user(row)


def _user(row) -> User:  # type: ignore[no-untyped-def]
    created = row.created_at
    if created.tzinfo is None:  # SQLite drops the zone
        created = created.replace(tzinfo=timezone.utc)
    return User(name=row.name, role=Role(row.role), created_at=created)


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password")
