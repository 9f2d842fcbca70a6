"""Who is calling: a person of a member organisation, or the server's operator at the console."""

from __future__ import annotations

from dataclasses import dataclass

from corridor.groups.models import Group, Organisation, Person
from corridor.log.service import LogActor
from corridor.policy import Actor


@dataclass(frozen=True)
class Principal:
    person: Person
    organisation: Organisation
    group: Group

    @property
    def actor(self) -> Actor:
        return Actor(
            group_id=self.group.id,
            organisation_id=self.organisation.id,
            kind=self.organisation.kind,
            role=self.person.role,
            person_id=self.person.id,
        )

    def log_actor(self, key_fingerprint: str | None = None) -> LogActor:
        return LogActor(self.organisation.slug, self.person.username, key_fingerprint)


# The console operator (CLI administration on the server itself) is not a member of any group.
OPERATOR = LogActor(organisation=None, person="server-operator")
