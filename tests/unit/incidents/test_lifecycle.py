"""The follow-up lifecycle: open until the last party concerned answers or the convener closes."""

from __future__ import annotations

import pytest

from corridor.errors import InvalidTransition
from corridor.incidents.lifecycle import Move, State, answer_move, next_state


def test_the_last_awaited_answer_makes_an_open_follow_up_answered() -> None:
    both = {"party-a", "party-b"}
    assert answer_move(State.OPEN, concerned=both, answered={"party-a"}) is Move.ANSWER
    assert answer_move(State.OPEN, concerned=both, answered=both) is Move.LAST_ANSWER
    assert next_state(State.OPEN, Move.LAST_ANSWER) is State.ANSWERED


def test_answers_are_still_recorded_after_a_follow_up_is_answered_or_closed() -> None:
    assert answer_move(State.CLOSED, concerned={"a"}, answered={"a"}) is Move.ANSWER
    assert next_state(State.CLOSED, Move.ANSWER) is State.CLOSED
    assert next_state(State.ANSWERED, Move.ANSWER) is State.ANSWERED


@pytest.mark.parametrize("state", [State.ANSWERED, State.CLOSED])
def test_only_an_open_follow_up_can_be_closed(state: State) -> None:
    with pytest.raises(InvalidTransition) as err:
        next_state(state, Move.CLOSE)
    assert err.value.extra["allowed"] == ["answer"]
