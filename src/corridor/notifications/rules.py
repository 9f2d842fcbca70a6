"""The clock rules of notifications, as plain functions: is a notice late, is a receipt overdue,
is a site stale. Kept apart so that the API, the check and the tests agree on one answer."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class AckStatus(StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    OVERDUE = "overdue"


def required_lead_hours(*, emergency: bool, lead_hours: int, emergency_lead_hours: int) -> int:
    """The notice a movement needs: the group's lead time, or its emergency lead time."""
    return emergency_lead_hours if emergency else lead_hours


def late_by(*, notified_at: datetime, departure: datetime, required_hours: int) -> timedelta | None:
    """How much later than the lead-time rule allows a notice came; None when on time."""
    short = timedelta(hours=required_hours) - (departure - notified_at)
    return short if short > timedelta(0) else None


def ack_due(*, notified_at: datetime, party_joined_at: datetime, hours: int) -> datetime:
    """When a party's receipt is due: a party that joined later gets the full period from then."""
    return max(notified_at, party_joined_at) + timedelta(hours=hours)


def ack_status(*, due: datetime, acknowledged_at: datetime | None, now: datetime) -> AckStatus:
    if acknowledged_at is not None:
        return AckStatus.ACKNOWLEDGED
    return AckStatus.OVERDUE if now > due else AckStatus.PENDING


def stale_since(*, confirmed_at: datetime, stale_days: int) -> datetime:
    """From when a site not re-confirmed is shown as stale."""
    return confirmed_at + timedelta(days=stale_days)


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
