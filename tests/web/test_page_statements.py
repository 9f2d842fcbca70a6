"""Every list page runs as many SQL statements for 12 rows as for 1, as the API's lists do: the
pages build on the same batched views."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.factories import World
from tests.scale_helpers import PAGES, grow_to, start
from tests.statements import Statements
from tests.web_helpers import logged_in

# Enough rows that one statement per row would show (12 against 1), few enough to be quick.
MANY = 12


def statements(client: TestClient, counter: Statements) -> dict[str, int]:
    out = {}
    for page in PAGES:
        client.get(page)  # caches of the process (and the session's last-seen time) settle
        with counter.counting() as seen:
            r = client.get(page)
        assert r.status_code == 200, (page, r.text[:500])
        out[f"GET {page}"] = len(seen)
    return out


def test_every_list_page_runs_as_many_statements_for_12_rows_as_for_1(
    app: Any, engine: Engine, world: World, db: Session
) -> None:
    counter = Statements(engine)
    with TestClient(counter.wrap(app)) as client:
        grown = start(client, world)
        logged_in(client, db, world.people["convener.negotiator"])
        grow_to(grown, 1)
        one = statements(client, counter)
        grow_to(grown, MANY)
        many = statements(client, counter)
    table = "\n".join(f"{k}: {one[k]} for 1, {many[k]} for {MANY}" for k in one)
    print(f"\n{table}")
    assert one == many, table
