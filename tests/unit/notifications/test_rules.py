"""The lead-time, acknowledgement and staleness rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corridor.durations import span
from corridor.notifications.rules import (
    AckStatus,
    ack_due,
    ack_status,
    late_by,
    required_lead_hours,
    stale_since,
)

T0 = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


def test_an_emergency_needs_only_the_emergency_lead_time() -> None:
    assert required_lead_hours(emergency=False, lead_hours=48, emergency_lead_hours=24) == 48
    assert required_lead_hours(emergency=True, lead_hours=48, emergency_lead_hours=24) == 24


def test_a_notice_given_in_time_is_not_late() -> None:
    assert late_by(notified_at=T0, departure=T0 + timedelta(hours=48), required_hours=48) is None


def test_a_late_notice_says_by_how_much() -> None:
    late = late_by(notified_at=T0, departure=T0 + timedelta(hours=30), required_hours=48)
    assert late == timedelta(hours=18)


def test_a_notice_after_departure_is_late_by_the_lead_time_and_more() -> None:
    late = late_by(notified_at=T0, departure=T0 - timedelta(hours=1), required_hours=24)
    assert late == timedelta(hours=25)


def test_a_receipt_is_pending_until_its_deadline_then_overdue() -> None:
    due = ack_due(notified_at=T0, party_joined_at=T0 - timedelta(days=9), hours=24)
    assert due == T0 + timedelta(hours=24)
    assert ack_status(due=due, acknowledged_at=None, now=due) is AckStatus.PENDING
    assert ack_status(due=due, acknowledged_at=None, now=due + timedelta(seconds=1)) \
        is AckStatus.OVERDUE
    assert ack_status(due=due, acknowledged_at=due + timedelta(hours=3), now=due + timedelta(
        days=1)) is AckStatus.ACKNOWLEDGED


def test_a_party_that_joined_after_the_notice_gets_the_full_period_from_joining() -> None:
    joined = T0 + timedelta(days=2)
    assert ack_due(notified_at=T0, party_joined_at=joined, hours=24) == joined + timedelta(hours=24)


def test_a_site_turns_stale_after_the_groups_period() -> None:
    assert stale_since(confirmed_at=T0, stale_days=30) == T0 + timedelta(days=30)


@pytest.mark.parametrize(("delta", "words"), [
    (timedelta(days=2, hours=3), "2 d 3 h"), (timedelta(days=1), "1 d"),
    (timedelta(hours=5, minutes=20), "5 h 20 min"), (timedelta(hours=-2), "2 h"),
    (timedelta(minutes=7), "7 min"), (timedelta(seconds=40), "40 s"),
])
def test_durations_read_in_days_hours_and_minutes(delta: timedelta, words: str) -> None:
    assert span(delta) == words
