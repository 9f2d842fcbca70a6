"""Builders of synthetic contact groups for tests (never the real parties' statements)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.db import Base
from corridor.groups import service as groups
from corridor.groups.models import Group, Organisation, Person
from corridor.groups.principal import OPERATOR
from corridor.uow import change

# kind of each synthetic member, and its display zone
MEMBERS = {
    "convener": ("convener", "Europe/Zurich"),
    "party-a": ("party", "Europe/Kyiv"),
    "party-b": ("party", "Europe/Moscow"),
    "icrc": ("intermediary", "Europe/Zurich"),
    "aid-one": ("humanitarian", "Europe/Rome"),
    "aid-two": ("humanitarian", "America/New_York"),
    "donor": ("observer", "UTC"),
}
ROLES = ("viewer", "operator", "negotiator", "admin")


@dataclass
class World:
    group: Group
    orgs: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


def make_world(db: Session, settings: Settings, slug: str = "test-group") -> World:
    """A group with one member of every kind and one person of every role in each (`org-role`)."""
    group = groups.create_group(
        db, slug=slug, name=f"Group {slug}", timezone="Europe/Kyiv",
        key_dir=settings.log_key_dir, origin_host=settings.log_origin_host,
    )
    world = World(group=group)
    for org_slug, (kind, zone) in MEMBERS.items():
        org = groups.add_organisation(
            db, group=group, actor=OPERATOR, slug=org_slug, name=org_slug.title(), kind=kind,
            timezone=zone,
        )
        world.orgs[org_slug] = org
        for role in ROLES:
            username = f"{slug}.{org_slug}.{role}" if slug != "test-group" else f"{org_slug}.{role}"
            person = groups.add_person(
                db, organisation=org, actor=OPERATOR, username=username, display_name=username,
                role=role,
            )
            world.people[username] = person
            _, secret = groups.issue_token(db, person=person, actor=OPERATOR, label="test")
            world.tokens[username] = secret
    return world


def key_dir(settings: Settings) -> Path:
    return settings.log_key_dir


@contextmanager
def by_hand(db: Session, world: World, what: str) -> Iterator[None]:
    """A test's own edit of rows (standing in for another process or an operator's fix): it
    goes through the unit of work like any change, with a log entry saying what it was."""
    with change(db, group=world.group, actor=OPERATOR) as ch:
        yield
        ch.log("test.edited_by_hand", {"what": what})


@dataclass
class WorldSnapshot:
    """A built world as rows and files, restored into each test's empty database instead of
    building it again: 64 logged changes cost about half a second, the rows a few milliseconds.

    The rows are read in one transaction (a consistent snapshot even while an application's
    integrator is at work); identifiers are restored as they were, and PostgreSQL's sequences
    set past them, so every test sees exactly the world a fresh build would give it."""

    rows: dict[str, list[dict[str, Any]]]
    counters: dict[str, int]  # the next id of each table, where ids are never reused
    key_files: dict[str, bytes]
    group_id: int
    org_ids: dict[str, int]
    person_ids: dict[str, int]
    tokens: dict[str, str]

    @classmethod
    def take(cls, engine: Engine, world: World, key_dir: Path) -> WorldSnapshot:
        options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" \
            else {}
        with engine.connect().execution_options(**options) as conn, conn.begin():
            rows = {t.name: [dict(r) for r in conn.execute(t.select()).mappings()]
                    for t in Base.metadata.sorted_tables}
            counters = _counters(conn)
        files = {p.name: p.read_bytes() for p in key_dir.iterdir()} if key_dir.exists() else {}
        return cls(rows=rows, counters=counters, key_files=files, group_id=world.group.id,
                   org_ids={slug: org.id for slug, org in world.orgs.items()},
                   person_ids={name: p.id for name, p in world.people.items()},
                   tokens=dict(world.tokens))

    def restore(self, engine: Engine, db: Session, key_dir: Path) -> World:
        with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                if self.rows[table.name]:
                    conn.execute(table.insert(), self.rows[table.name])
            _set_counters(conn, self.counters)
        key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name, data in self.key_files.items():
            (key_dir / name).write_bytes(data)
            (key_dir / name).chmod(0o600)
        group = db.get(Group, self.group_id)
        assert group is not None
        world = World(group=group, tokens=dict(self.tokens))
        for slug, org_id in self.org_ids.items():
            world.orgs[slug] = db.get_one(Organisation, org_id)
        for name, person_id in self.person_ids.items():
            world.people[name] = db.get_one(Person, person_id)
        db.commit()  # end the read, as a build ends with its last change's commit
        return world


def _counters(conn: Connection) -> dict[str, int]:
    """The id counters: PostgreSQL's sequences, SQLite's AUTOINCREMENT table (the log's pending
    rows are deleted once numbered, so their ids must not start again from the largest left)."""
    if conn.dialect.name == "sqlite":
        return {str(name): int(seq) for name, seq in conn.execute(
            text("SELECT name, seq FROM sqlite_sequence"))}
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        seq = conn.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
        if seq is not None:
            # Read, not nextval: the first test goes on using this database.
            query = text(f"SELECT last_value, is_called FROM {seq}")  # noqa: S608 (our schema)
            last, called = conn.execute(query).one()
            found[str(seq)] = int(last) + 1 if called else int(last)
    return found


def _set_counters(conn: Connection, counters: dict[str, int]) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text("DELETE FROM sqlite_sequence"))
        for name, seq in counters.items():
            conn.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:n, :s)"),
                         {"n": name, "s": seq})
        return
    for name, next_id in counters.items():
        conn.execute(select(func.setval(name, next_id, False)))
