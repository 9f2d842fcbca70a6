"""Comparing the auditor's replayed state with what the server's API shows, topic by topic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from corridor.client import Client

# Each comparer returns a list of disagreements in words (empty when all agree).
Comparer = Callable[[Client, str, dict[str, Any]], list[str]]
COMPARERS: list[Comparer] = []


def compare(client: Client, group: str, state: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for comparer in COMPARERS:
        problems.extend(comparer(client, group, state))
    return problems
