"""Rebuilding every pause's state from the log alone, for `corridor audit`.

The auditor does not trust the server's word for a pause's state: it replays the signed entries
and checks that a pause became agreed only when every required party had signed that very
version, then compares its result with what the API shows. `corridor.wiring` registers both
functions with the auditor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from corridor import clock
from corridor.client import Client
from corridor.log.audit import Replay
from corridor.pauses.lifecycle import State, next_state, stored_after_clock, withdrawal_move


def _time(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def replay_pauses(replay: Replay, entry: dict[str, Any]) -> None:
    kind: str = entry["type"]
    if not kind.startswith("pause."):
        return
    pauses: dict[int, dict[str, Any]] = replay.state.setdefault("pauses", {})
    problems: list[str] = replay.state.setdefault("pause_problems", [])
    p = entry["payload"]
    pause = pauses.setdefault(p["pause"], {"state": "draft", "version": 0, "agreed": set()})
    if kind in ("pause.drafted", "pause.proposed", "pause.amended"):
        pause["version"], pause["version_hash"] = p["version"], p["version_hash"]
        if "content" in p:
            pause["signatories"] = set(p["content"]["required_signatories"])
            pause["start"] = _time(p["content"]["window"]["start"])
            pause["end"] = _time(p["content"]["window"]["end"])
        pause["agreed"] = set()
        if kind == "pause.proposed":
            pause["state"] = State.PROPOSED.value
    elif kind == "pause.consented":
        if p["version"] != pause["version"]:
            problems.append(f"pause {p['pause']}: consent to version {p['version']} recorded "
                            f"while version {pause['version']} was current")
        pause["agreed"].add(p["party"])
    elif kind == "pause.agreed":
        missing = pause.get("signatories", set()) - pause["agreed"]
        if missing or p["version"] != pause["version"]:
            problems.append(f"pause {p['pause']} was marked agreed without the signatures of "
                            f"{sorted(missing) or 'the current version'}")
        pause["state"] = State.AGREED.value
    elif kind == "pause.declined":
        pause["state"] = State.REJECTED.value
    elif kind == "pause.lapsed":
        pause["state"] = State.LAPSED.value
    elif kind == "pause.withdrawn":
        move = withdrawal_move(State(pause["state"]), start=pause["start"], end=pause["end"],
                               now=_time(entry["time"]))
        pause["state"] = next_state(State(pause["state"]), move).value
        pause["agreed"].discard(p["party"])


def compare_pauses(client: Client, group: str, state: dict[str, Any]) -> list[str]:
    problems = list(state.get("pause_problems", []))
    shown = {p["id"]: p for p in client.get_all(f"/api/v1/groups/{group}/pauses")}
    now = clock.now()
    for pause_id, mine in state.get("pauses", {}).items():
        theirs = shown.get(pause_id)
        if theirs is None:
            if mine["state"] != "draft":  # another organisation's drafts are hidden, rightly
                problems.append(f"pause {pause_id} is in the log but the API does not show it")
            continue
        expected = mine["state"]
        if "start" in mine:
            expected = stored_after_clock(State(expected), start=mine["start"], now=now).value
        if theirs["stored_state"] != expected:
            problems.append(f"pause {pause_id}: the log says {expected}, the API says "
                            f"{theirs['stored_state']}")
        if theirs["current_version"] != mine["version"] or theirs["version_hash"] != mine.get(
                "version_hash"):
            problems.append(f"pause {pause_id}: the API shows version {theirs['current_version']} "
                            f"but the log's current version is {mine['version']}")
    for pause_id in shown:
        if pause_id not in state.get("pauses", {}):
            problems.append(f"pause {pause_id} is shown by the API but has no log entry")
    return problems

