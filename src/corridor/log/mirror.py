"""Who a tiles mirror is for, and so which entries it withholds: never more than the API would
serve every one of its readers. A withheld entry keeps its leaf hash, so the tree still verifies.

- `public`: anyone who can reach the mirror. The API serves them the checkpoint only, so every
  entry is withheld; the mirror proves the log's size and history, not its content.
- `members`: every member of the group. Entries that some member may not read (a humanitarian
  organisation's sites and movements, need to know) are withheld.
- `parties`: the convener, the parties and the intermediaries, who read every entry through the
  API; nothing is withheld. Only for a mirror that they alone can reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from corridor.log.audit import Redacted
from corridor.policy import ALL_KINDS, NOTIFICATION_READERS, Actor, log_entry_visible


class Audience(StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"
    PARTIES = "parties"


# The member kinds that read a mirror for each audience (public: none can be assumed).
READERS: dict[Audience, frozenset[str]] = {
    Audience.PUBLIC: frozenset(),
    Audience.MEMBERS: ALL_KINDS,
    Audience.PARTIES: NOTIFICATION_READERS,
}


def shown_to(audience: Audience, *, entry_type: str, data: bytes) -> bool:
    """Whether every reader of this audience may read the entry through the API. Readers are
    taken as organisations that wrote none of the entries: a mirror is shared by all of them."""
    kinds = READERS[audience]
    if not kinds:
        return False
    return all(log_entry_visible(Actor(group_id=0, organisation_id=0, kind=kind, role="viewer"),
                                 "", entry_type, data) for kind in kinds)


def entries_for(audience: Audience, rows: Iterable[tuple[str, bytes, bytes]]
                ) -> list[bytes | Redacted]:
    """The entries of (type, data, leaf hash) rows as this audience's mirror holds them."""
    return [data if shown_to(audience, entry_type=entry_type, data=data) else Redacted(leaf)
            for entry_type, data, leaf in rows]
