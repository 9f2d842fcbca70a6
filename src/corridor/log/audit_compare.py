"""Comparing the auditor's replayed state with what the server's API shows, topic by topic.

Topics hand in their comparers through `register_comparer` (called by `corridor.wiring`);
comparing with none registered raises instead of reporting that everything agrees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from corridor.client import Client

# Each comparer returns a list of disagreements in words (empty when all agree).
Comparer = Callable[[Client, str, dict[str, Any]], list[str]]
_COMPARERS: list[Comparer] = []


class NoComparers(RuntimeError):
    """A bug: a comparison was asked for in a process that registered no topic's comparer."""


def register_comparer(comparer: Comparer) -> None:
    """Have `compare` run `comparer` too (registering it again is a no-op)."""
    if comparer not in _COMPARERS:
        _COMPARERS.append(comparer)


def compare(client: Client, group: str, state: dict[str, Any]) -> list[str]:
    if not _COMPARERS:
        raise NoComparers("no topic has registered a comparer, so nothing would be compared "
                          "with the API; call corridor.wiring.register() first (the CLI does)")
    problems: list[str] = []
    for comparer in _COMPARERS:
        problems.extend(comparer(client, group, state))
    return problems
