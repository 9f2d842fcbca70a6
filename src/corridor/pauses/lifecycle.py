"""The pause lifecycle: one transition table, checked in one function.

Stored states change only through `next_state`. What the clock decides is derived, not stored
by a background job that might not run: a proposal whose window has begun is `lapsed`, an
agreed pause is shown `active` inside its window and `completed` after it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from corridor.errors import InvalidTransition


class State(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    AGREED = "agreed"
    REJECTED = "rejected"
    LAPSED = "lapsed"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"


class Move(StrEnum):
    PROPOSE = "propose"
    AMEND = "amend"
    CONSENT = "consent"  # a required party agrees; the pause stays proposed until all have
    AGREE = "agree"  # the last required consent arrived
    DECLINE = "decline"
    WITHDRAW = "withdraw"  # before any agreement: takes back the party's own consent
    CANCEL = "cancel"  # withdrawal from an agreed pause before its window starts
    SUSPEND = "suspend"  # withdrawal inside the window
    WITHDRAW_AFTER = "withdraw_after"  # withdrawal after the window ended: recorded only
    LAPSE = "lapse"


TRANSITIONS: dict[tuple[State, Move], State] = {
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


def allowed_moves(state: State) -> list[Move]:
    return [move for (s, move) in TRANSITIONS if s is state]


def next_state(state: State, move: Move) -> State:
    """The state after `move`, or InvalidTransition naming the state and what is allowed."""
    try:
        return TRANSITIONS[(state, move)]
    except KeyError:
        allowed = ", ".join(m.value for m in allowed_moves(state)) or "none (final state)"
        raise InvalidTransition(
            f"a pause that is {state.value} cannot {move.value}; allowed moves: {allowed}",
            extra={"state": state.value, "move": move.value,
                   "allowed": [m.value for m in allowed_moves(state)]},
        ) from None


def stored_after_clock(state: State, *, start: datetime, now: datetime) -> State:
    """A proposal whose window has started without every consent has lapsed."""
    if state is State.PROPOSED and now >= start:
        return next_state(state, Move.LAPSE)
    return state


def shown(state: State, *, start: datetime, end: datetime, now: datetime) -> str:
    """The status people see: the stored state, with agreed split by the clock."""
    state = stored_after_clock(state, start=start, now=now)
    if state is State.AGREED:
        if now >= end:
            return "completed"
        if now >= start:
            return "active"
    return state.value


def withdrawal_move(state: State, *, start: datetime, end: datetime, now: datetime) -> Move:
    """Which move a party's withdrawal of consent is, given the state and the clock."""
    if state is State.AGREED:
        if now < start:
            return Move.CANCEL
        if now < end:
            return Move.SUSPEND
        return Move.WITHDRAW_AFTER
    return Move.WITHDRAW
