"""Durations in the words a logistician reads at a glance (findings, rules, alerts)."""

from __future__ import annotations

from datetime import timedelta


def span(delta: timedelta) -> str:
    """A duration in words a logistician reads at a glance: '2 d 3 h', '5 h 20 min', '40 s'."""
    seconds = int(abs(delta).total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"
