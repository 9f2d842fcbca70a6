"""The follow-up lifecycle: one transition table, checked in one function.

A follow-up is open until the last party concerned answers (`answered`) or the convener closes
it with a reason (`closed`). Parties may still answer afterwards: answers are claims, and a
party is never refused the right to put its side on record.
"""

from __future__ import annotations

from enum import StrEnum

from corridor.errors import InvalidTransition


class State(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Move(StrEnum):
    ANSWER = "answer"  # a party concerned answers; others still awaited
    LAST_ANSWER = "last_answer"  # every party concerned has now answered
    CLOSE = "close"


TRANSITIONS: dict[tuple[State, Move], State] = {
    (State.OPEN, Move.ANSWER): State.OPEN,
    (State.OPEN, Move.LAST_ANSWER): State.ANSWERED,
    (State.OPEN, Move.CLOSE): State.CLOSED,
    (State.ANSWERED, Move.ANSWER): State.ANSWERED,
    (State.CLOSED, Move.ANSWER): State.CLOSED,
}


def next_state(state: State, move: Move) -> State:
    """The state after `move`, or InvalidTransition naming the state and what is allowed."""
    try:
        return TRANSITIONS[(state, move)]
    except KeyError:
        allowed = [m.value for (s, m) in TRANSITIONS if s is state]
        raise InvalidTransition(
            f"a follow-up that is {state.value} cannot {move.value}; allowed moves: "
            f"{', '.join(allowed) or 'none'}",
            field="followup", extra={"state": state.value, "move": move.value,
                                     "allowed": allowed}) from None


def answer_move(state: State, *, concerned: set[str], answered: set[str]) -> Move:
    """Which move an answer is: the last one awaited turns an open follow-up answered."""
    if state is State.OPEN and concerned <= answered:
        return Move.LAST_ANSWER
    return Move.ANSWER
