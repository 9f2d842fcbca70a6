"""The seed scenario's shared types: the group, its members and their demo logins, as every
part of the demo (`seed.build` and the topic builders it calls) passes them along."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corridor.groups.models import Group, Organisation, Person
from corridor.groups.principal import Principal

GROUP_SLUG = "hcg-ukraine"
GROUP_NAME = "Humanitarian Contact Group — Ukraine"


@dataclass
class Login:
    username: str
    role: str
    password: str
    token: str


@dataclass
class Member:
    org: Organisation
    logins: list[Login] = field(default_factory=list)
    key_files: dict[str, Path] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def principal(self, role: str) -> Principal:
        person = next(p for p in self.people.values() if p.role == role)
        return Principal(person=person, organisation=self.org, group=self.org.group)


@dataclass
class Scenario:
    group: Group
    members: dict[str, Member]
    key_dir: Path
    pause_ids: list[int] = field(default_factory=list)

    def as_json(self, server: str | None) -> dict[str, Any]:
        return {
            "server": server,
            "group": {
                "slug": self.group.slug,
                "name": self.group.name,
                "timezone": self.group.timezone,
                "log_verifier_key": self.group.log_verifier_key,
            },
            "members": [
                {
                    "slug": m.org.slug,
                    "name": m.org.name,
                    "kind": m.org.kind,
                    "timezone": m.org.timezone,
                    "people": [vars(login) for login in m.logins],
                    "key_files": {k: str(v) for k, v in m.key_files.items()},
                }
                for m in self.members.values()
            ],
            "pauses": self.pause_ids,
        }
