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
