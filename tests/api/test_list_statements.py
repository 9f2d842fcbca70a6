"""Every list of the API runs as many SQL statements for 12 rows as for 1: what each row shows
beside itself (consents, receipts, links, follow-ups, log numbers, counts) is loaded for the
whole page at once, never row by row."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import World
from tests.pauses_helpers import API
from tests.scale_helpers import API_LISTS, grow_to, start
from tests.statements import Statements

# Enough rows that one statement per row would show (12 against 1), few enough to be quick.
MANY = 12


def rows_of(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    for key in ("items", "alerts", "entries"):
        if key in body:
            return list(body[key])
    raise AssertionError(f"no rows in {sorted(body)}")


def statements(client: TestClient, counter: Statements, world: World) -> dict[str, int]:
    """How many statements each list takes, with how many rows it gave."""
    out = {}
    for path, who in API_LISTS:
        url = f"{API}/{path}"
        client.get(url, headers=world.auth(who))  # caches of the process are warm after this
        with counter.counting() as seen:
            r = client.get(url, headers=world.auth(who))
        assert r.status_code == 200, (url, r.text)
        assert rows_of(r.json()), f"{url} as {who} gave no rows"
        out[f"GET {path} as {who}"] = len(seen)
    return out


def test_every_list_runs_as_many_statements_for_12_rows_as_for_1(
    app: Any, engine: Engine, world: World
) -> None:
    counter = Statements(engine)
    with TestClient(counter.wrap(app)) as client:
        grown = start(client, world)
        grow_to(grown, 1)
        one = statements(client, counter, world)
        grow_to(grown, MANY)
        many = statements(client, counter, world)
    table = "\n".join(f"{k}: {one[k]} for 1, {many[k]} for {MANY}" for k in one)
    print(f"\n{table}")
    assert one == many, table
