"""The deconfliction benchmark's first step, at a tiny scale so that it cannot rot: the group's
spatial index, PostGIS and a scan of every feature find the same sites, incidents and pauses."""

from __future__ import annotations

import numpy as np
import pytest
from bench.deconflict import agreement, postgis
from bench.deconflict_world import make_trips, make_world, region


def test_the_index_postgis_and_a_scan_find_the_same_features_near_each_route() -> None:
    rng = np.random.default_rng(5)
    world = make_world(rng, sites=1500, incidents=3000, pauses=40, box=region(0.01))
    world.build_index()
    routes = [t.route for t in make_trips(rng, world, 8)]
    with postgis(world) as conn:
        if conn is None:
            pytest.skip("no PostgreSQL server with PostGIS (the benchmark said why)")
        summary = agreement(world, routes, conn)
    assert summary.startswith("index = PostGIS = scan on 8 routes")


def test_the_comparison_fails_when_the_index_misses_a_feature() -> None:
    rng = np.random.default_rng(5)
    world = make_world(rng, sites=1500, incidents=3000, pauses=40, box=region(0.01))
    world.build_index()
    routes = [t.route for t in make_trips(rng, world, 8)]
    hidden = next(iter(world.index.near(routes[0], 10_000, kinds=["site"])))
    world.index.remove("site", hidden.id)
    with pytest.raises(AssertionError, match="sites differ"):
        agreement(world, routes, None)
