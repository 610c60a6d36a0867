"""Fault rules without HTTP: matching, firing, counting down, the seeded draw, the error."""
from __future__ import annotations

import random

import pytest

from mockserver.domain import faults, sessions
from mockserver.domain.faults import Faults, new_fault
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from tests.unit.support import DAY, OWNER, SUBUSER, log_in, navixy_error

NOBODY = lambda: None  # noqa: E731  (no login on the request)


def registry(seed: int = 0) -> Faults:
    return Faults(random.Random(seed))


def test_an_exact_path_matches_with_or_without_a_trailing_slash():
    fault = new_fault("f1", {"path": "/v2/user/auth/"}, {"code": 15})
    assert fault.matches("/v2/user/auth", "POST")
    assert fault.matches("/v2/user/auth/", "GET")
    assert not fault.matches("/v2/user/auth/x", "POST")
    assert not fault.matches("/v2/user", "POST")


def test_a_star_matches_any_run_of_characters_including_slashes():
    iot = new_fault("f1", {"path": "/v2/iot/logic/*"}, {"code": 6})
    assert iot.matches("/v2/iot/logic/flow/list", "POST")
    assert not iot.matches("/v2/user/auth", "POST")
    lists = new_fault("f2", {"path": "/v2/*/list"}, {"code": 6})
    assert lists.matches("/v2/api/key/list", "GET") and lists.matches("/v2/user/api_key/list", "GET")
    assert new_fault("f3", {"path": "*"}, {"code": 6}).matches("/v2/anything/at/all", "GET")


def test_other_glob_characters_are_literal():
    fault = new_fault("f1", {"path": "/v2/user/auth?"}, {"code": 6})
    assert not fault.matches("/v2/user/auths", "POST")


def test_a_method_restricts_the_match_and_no_method_spares_options():
    post_only = new_fault("f1", {"path": "/v2/user/auth", "method": "POST"}, {"code": 6})
    assert post_only.matches("/v2/user/auth", "POST") and not post_only.matches("/v2/user/auth", "GET")
    any_method = new_fault("f2", {"path": "/v2/user/auth"}, {"code": 6})
    assert any_method.matches("/v2/user/auth", "GET")
    assert not any_method.matches("/v2/user/auth", "OPTIONS")  # CORS preflights pass
    preflight = new_fault("f3", {"path": "/v2/user/auth", "method": "OPTIONS"}, {"code": 6})
    assert preflight.matches("/v2/user/auth", "OPTIONS")


@pytest.mark.parametrize("action, parameter", [
    ({}, "action"),
    ({"delay_ms": 0}, "action"),
    ({"drop_connection": False}, "action"),
    ({"retry_after": 3}, "action.retry_after"),
    ({"drop_connection": True, "code": 6}, "action.drop_connection"),
    ({"drop_connection": True, "status": 503}, "action.drop_connection"),
])
def test_an_action_that_does_nothing_or_contradicts_itself_is_7(action, parameter):
    with navixy_error(7) as info:
        new_fault("f1", {"path": "/v2/user/auth"}, action)
    assert info.value.errors[0]["parameter"] == parameter


def test_a_fault_on_the_control_plane_is_refused_with_7():
    with navixy_error(7) as info:
        new_fault("f1", {"path": "/__mock__/health"}, {"code": 6})
    assert info.value.errors[0]["parameter"] == "match.path"


def test_a_code_gets_its_description_and_the_tables_status_later():
    error = faults.Action(code=268).error()
    assert (error.code, error.description, error.http_status) == (268, "Over quota", None)
    assert faults.Action(code=14).error().description == "Database unavailable"
    assert faults.Action(code=999).error().description == "Injected fault (code 999)"


def test_a_status_without_a_code_picks_navixys_code_for_it():
    assert (faults.Action(status=429).error().code, faults.Action(status=429).error().http_status) == (15, 429)
    assert faults.Action(status=503).error().code == 8
    assert faults.Action(status=500).error().code == 6
    assert faults.Action(status=418).error().code == 6


def test_code_15_or_status_429_carries_retry_after_1_unless_given():
    assert faults.Action(code=15).error().retry_after == 1
    assert faults.Action(status=429).error().retry_after == 1
    assert faults.Action(code=15, retry_after=7).error().retry_after == 7
    assert faults.Action(code=6).error().retry_after is None
    assert faults.Action(code=6, retry_after=2).error().retry_after == 2


def test_a_delay_or_a_dropped_connection_is_not_an_error():
    assert faults.Action(delay_ms=100).error() is None
    assert faults.Action(drop_connection=True).error() is None


def test_times_counts_down_and_the_fault_disappears_at_zero():
    reg = registry()
    fault = reg.add({"path": "/v2/user/auth"}, {"code": 6}, times=2)
    assert reg.decide("/v2/user/auth", "POST", NOBODY).code == 6
    assert [f.to_dict()["times"] for f in reg.list()] == [1]
    assert reg.decide("/v2/user/auth", "POST", NOBODY).code == 6
    assert reg.list() == [] and not reg
    assert reg.decide("/v2/user/auth", "POST", NOBODY) is None
    assert fault.fired == 2


def test_without_times_a_fault_stays_until_removed():
    reg = registry()
    fault = reg.add({"path": "*"}, {"code": 6})
    for _ in range(5):
        assert reg.decide("/v2/user/get_info", "GET", NOBODY) is not None
    assert reg.remove(fault.id) and not reg.remove(fault.id)
    assert reg.decide("/v2/user/get_info", "GET", NOBODY) is None


def test_the_first_matching_fault_in_creation_order_wins():
    reg = registry()
    reg.add({"path": "/v2/user/*"}, {"code": 6})
    reg.add({"path": "/v2/user/auth"}, {"code": 15})
    assert reg.decide("/v2/user/auth", "POST", NOBODY).code == 6


def test_ids_are_sequential_and_clear_removes_everything():
    reg = registry()
    ids = [reg.add({"path": "*"}, {"code": 6}).id for _ in range(3)]
    assert ids == ["f1", "f2", "f3"]
    reg.clear()
    assert reg.list() == []


def test_a_world_holds_at_most_max_faults():
    reg = registry()
    for _ in range(faults.MAX_FAULTS):
        reg.add({"path": "*"}, {"code": 6})
    with navixy_error(7):
        reg.add({"path": "*"}, {"code": 6})


def draws(seed: int, n: int = 40) -> list[bool]:
    reg = registry(seed)
    reg.add({"path": "*"}, {"code": 6}, probability=0.5)
    return [reg.decide("/v2/user/get_info", "GET", NOBODY) is not None for _ in range(n)]


def test_the_same_seed_gives_the_same_sequence_of_fired_faults():
    first = draws(seed=7)
    assert first == draws(seed=7)
    assert 5 < sum(first) < 35  # it is a draw, not always or never
    assert first != draws(seed=8)


def test_probability_0_never_fires_and_1_always_fires():
    reg = registry()
    reg.add({"path": "/v2/a"}, {"code": 6}, probability=0.0)
    reg.add({"path": "/v2/b"}, {"code": 6}, probability=1.0)
    assert all(reg.decide("/v2/a", "GET", NOBODY) is None for _ in range(20))
    assert all(reg.decide("/v2/b", "GET", NOBODY) is not None for _ in range(20))


def test_a_fault_that_does_not_fire_does_not_count_down():
    reg = registry()
    reg.add({"path": "*"}, {"code": 6}, times=1, probability=0.0)
    reg.decide("/v2/x", "GET", NOBODY)
    assert reg.list()[0].times == 1


def test_a_login_match_asks_for_the_login_once_and_only_when_needed():
    reg = registry()
    reg.add({"path": "/v2/user/*", "login": OWNER}, {"code": 6})
    reg.add({"path": "/v2/user/*", "login": SUBUSER}, {"code": 13})
    asked = []

    def login():
        asked.append(1)
        return SUBUSER

    assert reg.decide("/v2/user/get_info", "GET", login).code == 13
    assert len(asked) == 1
    assert reg.decide("/v2/api/key/list", "GET", login) is None
    assert len(asked) == 1


def test_login_of_reads_sessions_and_keys_without_refreshing_them():
    from mockserver.domain import keys
    from mockserver.domain.clock import MockClock
    from tests.unit.support import START

    world = World(load_fixture(), MockClock(START, frozen=True))
    owner = log_in(world, OWNER)
    key = keys.create(world, owner, "k")
    assert sessions.login_of(world, owner.hash) == OWNER
    assert sessions.login_of(world, key.hash) == OWNER
    assert sessions.login_of(world, "0" * 32) is None
    assert sessions.login_of(world, 12) is None
    last_used = world.store.session(owner.hash).last_used
    world.clock.advance(DAY)
    sessions.login_of(world, owner.hash)
    assert world.store.session(owner.hash).last_used == last_used
    world.clock.advance(30 * DAY)
    assert sessions.login_of(world, owner.hash) is None
    assert world.store.session(owner.hash) is not None  # not expired by a peek


def test_a_world_reset_clears_faults_and_replays_its_seed(world):
    world.faults.add({"path": "*"}, {"code": 6}, probability=0.5)
    first = [world.random.random() for _ in range(3)]
    world.reset()
    assert world.faults.list() == []
    assert [world.random.random() for _ in range(3)] == first


def test_worlds_with_the_same_seed_draw_the_same_numbers(clock):
    one, two = (World(load_fixture(), clock, seed=42) for _ in range(2))
    assert [one.random.random() for _ in range(5)] == [two.random.random() for _ in range(5)]
    assert World(load_fixture(), clock).seed == 0  # the fixed default
