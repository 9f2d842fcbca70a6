"""The pause transition table, move by move, and what the clock decides (nothing stored)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from corridor.errors import InvalidTransition
from corridor.pauses.lifecycle import (
    Move,
    State,
    allowed_moves,
    next_state,
    shown,
    stored_after_clock,
    withdrawal_move,
)

# PRODUCT.md's lifecycle, written out: draft -> proposed -> agreed; from proposed rejected (a
# decline) or lapsed (the window starts first); from agreed cancelled (before the start) or
# suspended (inside the window). Amending, consenting and withdrawing keep a proposal proposed.
LEGAL = {
    (State.DRAFT, Move.AMEND): State.DRAFT,
    (State.DRAFT, Move.PROPOSE): State.PROPOSED,
    (State.PROPOSED, Move.AMEND): State.PROPOSED,
    (State.PROPOSED, Move.CONSENT): State.PROPOSED,
    (State.PROPOSED, Move.AGREE): State.AGREED,
    (State.PROPOSED, Move.DECLINE): State.REJECTED,
    (State.PROPOSED, Move.WITHDRAW): State.PROPOSED,
    (State.PROPOSED, Move.LAPSE): State.LAPSED,
    (State.AGREED, Move.CANCEL): State.CANCELLED,
    (State.AGREED, Move.SUSPEND): State.SUSPENDED,
    (State.AGREED, Move.WITHDRAW_AFTER): State.AGREED,
    (State.SUSPENDED, Move.WITHDRAW): State.SUSPENDED,
}
START = datetime(2026, 12, 5, 5, 0, tzinfo=UTC)
END = START + timedelta(hours=8)


@pytest.mark.parametrize("state", list(State))
def test_every_move_from_a_state_is_taken_or_refused_as_the_lifecycle_says(state: State) -> None:
    for move in Move:
        if (state, move) in LEGAL:
            assert next_state(state, move) is LEGAL[(state, move)]
            continue
        with pytest.raises(InvalidTransition) as refused:
            next_state(state, move)
        assert refused.value.extra["state"] == state.value
        assert refused.value.extra["allowed"] == [m.value for m in allowed_moves(state)]
        assert state.value in refused.value.detail and move.value in refused.value.detail


def test_rejected_lapsed_and_cancelled_are_final() -> None:
    for state in (State.REJECTED, State.LAPSED, State.CANCELLED):
        assert allowed_moves(state) == []
        with pytest.raises(InvalidTransition, match="none"):
            next_state(state, Move.AMEND)


def test_a_proposal_lapses_when_its_window_starts_and_nothing_else_does() -> None:
    before, at = START - timedelta(seconds=1), START
    assert stored_after_clock(State.PROPOSED, start=START, now=before) is State.PROPOSED
    assert stored_after_clock(State.PROPOSED, start=START, now=at) is State.LAPSED
    for state in set(State) - {State.PROPOSED}:
        assert stored_after_clock(state, start=START, now=END + timedelta(days=1)) is state


@pytest.mark.parametrize(("now", "status"), [
    (START - timedelta(minutes=1), "agreed"),
    (START, "active"),
    (END - timedelta(minutes=1), "active"),
    (END, "completed"),
])
def test_an_agreed_pause_is_shown_by_the_clock(now: datetime, status: str) -> None:
    assert shown(State.AGREED, start=START, end=END, now=now) == status


@pytest.mark.parametrize(("state", "now", "move"), [
    (State.AGREED, START - timedelta(minutes=1), Move.CANCEL),
    (State.AGREED, START, Move.SUSPEND),
    (State.AGREED, END, Move.WITHDRAW_AFTER),
    (State.PROPOSED, START - timedelta(days=1), Move.WITHDRAW),
    (State.SUSPENDED, START + timedelta(hours=1), Move.WITHDRAW),
])
def test_a_withdrawal_is_the_move_the_state_and_the_clock_make_it(
        state: State, now: datetime, move: Move) -> None:
    assert withdrawal_move(state, start=START, end=END, now=now) is move


def test_the_table_holds_no_move_the_lifecycle_does_not_name() -> None:
    for state, move in itertools.product(State, Move):
        assert ((state, move) in LEGAL) == (move in allowed_moves(state))
