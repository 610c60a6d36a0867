"""World: fresh hashes, and reset back to the fixture's state and clock."""
from __future__ import annotations

import re

from mockserver.domain import flows, keys, sessions
from mockserver.domain.clock import MockClock
from mockserver.domain.sessions import authenticate
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture, parse_fixture
from tests.unit.support import DAY, OWNER, OWNER_FLOWS, START, log_in, navixy_error


def test_new_hash_is_32_lowercase_hex_and_fresh_each_time(world):
    made = {world.new_hash() for _ in range(50)}
    assert len(made) == 50
    assert all(re.fullmatch(r"[0-9a-f]{32}", h) for h in made)


def test_new_hash_skips_a_hash_used_by_an_api_key(clock):
    world = World(load_fixture(), clock)
    owner = log_in(world)
    key = keys.create(world, owner, "k")
    world._new_hash = iter([key.hash, owner.hash, "c" * 32]).__next__  # noqa: SLF001
    assert world.new_hash() == "c" * 32


def test_a_world_without_a_clock_uses_the_fixtures_clock():
    fixture = parse_fixture({"users": [{"id": 1, "login": "a", "password": "secret1"}],
                             "clock": {"start": "2030-05-01T00:00:00Z", "frozen": True}})
    world = World(fixture)
    assert world.clock.now() == fixture.clock_start
    world.clock.advance(60)
    world.reset()
    assert world.clock.now() == fixture.clock_start


def test_reset_ends_sessions_and_removes_created_keys(world, owner):
    key = keys.create(world, owner, "k")
    world.reset()
    with navixy_error(4):
        authenticate(world, owner.hash)
    with navixy_error(4):
        authenticate(world, key.hash)
    assert keys.list_keys(world, log_in(world)) == []


def test_reset_restores_the_fixture_flows(world, clock, owner):
    created = flows.create(world, owner, {"title": "new", "nodes": [], "edges": []})
    flows.delete(world, owner, 1234)
    flows.update(world, owner, {"id": 1235, "title": "changed", "nodes": [], "edges": []})
    world.reset()
    owner = log_in(world)
    assert {f.id for f in flows.list_flows(world, owner)} == OWNER_FLOWS
    assert flows.read(world, owner, 1235).title == "Temperature alerts"
    assert flows.read(world, owner, 1235).devices_count == 2
    assert flows.create(world, owner, {"title": "again", "nodes": [], "edges": []}).id == created.id


def test_reset_undoes_a_flow_update_because_updates_replace_the_shared_record(world, owner):
    original = flows.read(world, owner, 1234)
    flows.update(world, owner, {"id": 1234, "title": "changed", "nodes": [], "edges": []})
    assert original.title == "Fleet Data to External System"  # the fixture's record is untouched
    world.reset()
    assert flows.read(world, log_in(world), 1234).devices_count == 3


def test_reset_restores_a_changed_password(world, owner):
    sessions.set_password(world, owner, "owner-password", "brand-new-1")
    world.reset()
    assert authenticate(world, sessions.auth(world, OWNER, "owner-password")).user.login == OWNER
    with navixy_error(102):
        sessions.auth(world, OWNER, "brand-new-1")


def test_reset_restores_the_fixture_clock(world, clock):
    clock.advance(40 * DAY)
    world.reset()
    assert clock.now() == START


def test_two_worlds_on_one_fixture_do_not_share_state(clock):
    fixture = load_fixture()
    first, second = World(fixture, clock), World(fixture, MockClock(START, frozen=True))
    owner = log_in(first)
    flows.delete(first, owner, 1234)
    sessions.set_password(first, owner, "owner-password", "brand-new-1")
    assert {f.id for f in flows.list_flows(second, log_in(second))} == OWNER_FLOWS
