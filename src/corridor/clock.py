"""The one source of "now": tests and the demo replace it, nothing else reads the system clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """Current instant, timezone-aware UTC."""
    return _now()


def set_clock(fn: Callable[[], datetime]) -> None:
    """Replace the clock (tests, the demo's shifted timeline)."""
    global _now
    _now = fn


def reset_clock() -> None:
    """Back to the system clock."""
    set_clock(lambda: datetime.now(UTC))


class FixedClock:
    """A clock that stands still until moved; for tests."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at = self.at + delta
