"""State snapshots without Flask: capture a world, check and build a document, restore it."""
from __future__ import annotations

import copy
import json

import pytest
from marshmallow import ValidationError

from mockserver.domain import errors, flows, keys, sessions, snapshot
from mockserver.domain.clock import MockClock
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from mockserver.formats import instant, parse_instant
from mockserver.schemas import StateDocument
from tests.unit.support import DAY, IDLE_LIMIT, OTHER, OWNER, START, SUBUSER, log_in

FLOW = {"title": "Saved", "nodes": [{"id": 1, "type": "data_source", "data": {"source_ids": [7]}}],
        "edges": []}


def load(document: dict) -> snapshot.State:
    """What PUT /__mock__/state does before the swap: the schema, then the cross-checks."""
    return snapshot.build(StateDocument().load(json.loads(json.dumps(document))))


def problems(document: dict) -> dict[str, str]:
    with pytest.raises(errors.InvalidParameters) as info:
        load(document)
    assert info.value.code == 7
    return {e["parameter"]: e["error"] for e in info.value.errors}


def fresh_world() -> World:
    return World(load_fixture(), MockClock(START, frozen=True))


@pytest.fixture
def busy(world):
    """A world that has been used: sessions, keys, a new flow, a password change, time moved
    by a fraction of a second."""
    owner = log_in(world, OWNER)
    keys.create(world, owner, "ci key")
    flows.create(world, owner, copy.deepcopy(FLOW))
    world.clock.advance(3600.25)
    sub = log_in(world, SUBUSER)
    sessions.set_password(world, sub, "subuser-password", "new-secret-1")
    log_in_after_change = sessions.auth(world, SUBUSER, "new-secret-1")
    world.clock.advance(0.000001)
    log_in(world, OTHER)
    return world, owner, log_in_after_change


# ---- capture ------------------------------------------------------------------------------

def test_a_capture_holds_version_users_with_passwords_and_masters_and_the_clock(world):
    document = snapshot.capture(world)
    assert document["version"] == 1
    assert document["clock"] == {"now": "2026-01-01T00:00:00Z", "frozen": True}
    users = {u["login"]: u for u in document["users"]}
    assert users[OWNER]["password"] == "owner-password"
    assert users[SUBUSER]["master_id"] == users[OWNER]["id"]
    assert users[OWNER]["master_id"] is None
    assert document["sessions"] == [] and document["api_keys"] == []
    assert document["next_flow_id"] == max(f["id"] for f in document["flows"]) + 1
    json.dumps(document)  # JSON-ready as it is


def test_a_capture_has_sessions_with_created_and_last_used_and_keys(busy):
    world, owner, _ = busy
    document = snapshot.capture(world)
    session = next(s for s in document["sessions"] if s["hash"] == owner.hash)
    assert session["created_at"] == "2026-01-01T00:00:00Z"
    assert session["last_used"] == "2026-01-01T00:00:00Z"
    assert [k["title"] for k in document["api_keys"]] == ["ci key"]
    sub = next(u for u in document["users"] if u["login"] == SUBUSER)
    assert sub["password"] == "new-secret-1"
    assert sub["password_changed_at"] == "2026-01-01T01:00:00.250000Z"


# ---- round trip ---------------------------------------------------------------------------

def test_export_load_export_gives_the_same_document(busy):
    world = busy[0]
    first = snapshot.capture(world)
    other = fresh_world()
    snapshot.restore(other, load(first))
    assert snapshot.capture(other) == first
    assert json.dumps(snapshot.capture(other)) == json.dumps(first)


def test_a_restored_world_keeps_sessions_passwords_keys_and_flow_ids(busy):
    world, owner, sub_session = busy
    other = fresh_world()
    snapshot.restore(other, load(snapshot.capture(world)))
    assert sessions.authenticate(other, owner.hash).user.login == OWNER
    assert sessions.authenticate(other, sub_session).user.login == SUBUSER
    sessions.auth(other, SUBUSER, "new-secret-1")
    principal = sessions.authenticate(other, owner.hash)
    assert [k.title for k in keys.list_keys(other, principal)] == ["ci key"]
    created = flows.create(other, principal, copy.deepcopy(FLOW))
    assert created.id == world.store.peek_next_flow_id()


def test_the_next_flow_id_survives_even_when_the_newest_flow_was_deleted(world, owner):
    newest = flows.create(world, owner, copy.deepcopy(FLOW))
    flows.delete(world, owner, newest.id)
    other = fresh_world()
    snapshot.restore(other, load(snapshot.capture(world)))
    assert flows.create(other, log_in(other), copy.deepcopy(FLOW)).id == newest.id + 1


def test_idle_expiry_counts_from_the_restored_last_use(world, owner):
    world.clock.advance(IDLE_LIMIT - DAY)
    other = fresh_world()
    snapshot.restore(other, load(snapshot.capture(world)))
    other.clock.advance(DAY - 1)
    sessions.authenticate(other, owner.hash)  # 29 days 23:59:59 idle: alive, and refreshed
    other.clock.advance(IDLE_LIMIT)
    with pytest.raises(errors.SessionNotFound):
        sessions.authenticate(other, owner.hash)


def test_key_order_per_account_is_kept(world, owner):
    made = [keys.create(world, owner, f"k{i}").title for i in range(5)]
    other = fresh_world()
    snapshot.restore(other, load(snapshot.capture(world)))
    assert [k.title for k in keys.list_keys(other, log_in(other))] == made


def test_a_running_clock_runs_on_from_the_snapshot_instant():
    real = [1000.0]
    clock = MockClock(wall=lambda: real[0])
    clock.restore(parse_instant("2030-01-01T00:00:00Z"), frozen=False)
    real[0] += 10
    assert clock.now() == parse_instant("2030-01-01T00:00:10Z")
    assert not clock.frozen


def test_restore_then_reset_goes_back_to_the_fixture(busy):
    world, owner, _ = busy
    other = fresh_world()
    snapshot.restore(other, load(snapshot.capture(world)))
    other.reset()
    assert snapshot.capture(other) == snapshot.capture(fresh_world())


def test_a_frozen_snapshot_loaded_into_a_running_clock_freezes_it_until_reset():
    world = World(load_fixture())  # running real-time clock
    document = snapshot.capture(fresh_world())
    snapshot.restore(world, load(document))
    assert world.clock.frozen and world.clock.now() == START
    world.reset()
    assert not world.clock.frozen


# ---- instants -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00.500000Z",
                                  "1969-07-20T20:17:40.000001Z", "0001-01-01T00:00:00Z",
                                  "9999-12-31T23:59:59Z"])
def test_instants_round_trip_exactly(text):
    assert instant(parse_instant(text)) == text


def test_an_instant_between_microseconds_is_rounded_once_and_then_stable():
    text = instant(START + 0.1234567891)
    assert text == "2026-01-01T00:00:00.123457Z"
    assert instant(parse_instant(text)) == text


def test_an_offset_is_converted_to_utc():
    assert instant(parse_instant("2026-01-01T01:00:00+01:00")) == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize("text", ["2026-01-01T00:00:00", "2026-01-01", "yesterday",
                                  "2026-01-01T00:00:00.1234567Z", "9999-12-31T23:59:59.5Z",
                                  "0001-01-01T00:00:00+01:00", "2026-02-30T00:00:00Z"])
def test_instants_without_a_zone_too_precise_or_out_of_range_are_refused(text):
    with pytest.raises(ValueError):
        parse_instant(text)


# ---- refused documents ----------------------------------------------------------------------

@pytest.fixture
def document(busy):
    return snapshot.capture(busy[0])


def test_the_schema_names_bad_fields_with_dotted_paths(document):
    document["users"][1]["id"] = "seven"
    document["sessions"][0]["hash"] = "XYZ"
    document["clock"]["now"] = "soon"
    document["surprise"] = 1
    with pytest.raises(ValidationError) as info:
        StateDocument().load(document)
    messages = info.value.messages
    assert set(messages) == {"users", "sessions", "clock", "surprise"}
    assert "id" in messages["users"][1] and "hash" in messages["sessions"][0]


@pytest.mark.parametrize("version", [0, 2, "1", None])
def test_only_version_1_loads(document, version):
    document["version"] = version
    with pytest.raises(ValidationError):
        StateDocument().load(document)


def test_duplicate_user_ids_and_logins_are_refused(document):
    document["users"].append({**document["users"][0], "login": "clone@example.com"})
    document["users"].append({**document["users"][0], "id": 99})
    found = problems(document)
    assert "duplicate user id" in found["users.4.id"]
    assert "duplicate login" in found["users.5.login"]


def test_every_reference_must_resolve_and_owners_must_be_account_owners(document):
    sub_id = next(u["id"] for u in document["users"] if u["login"] == SUBUSER)
    document["users"][0]["master_id"] = sub_id
    document["sessions"][0]["user_id"] = 424242
    document["api_keys"][0]["owner_id"] = sub_id
    document["flows"][0]["owner_id"] = 424242
    found = problems(document)
    assert set(found) >= {"users.0.master_id", "sessions.0.user_id", "api_keys.0.owner_id",
                          "flows.0.owner_id"}


def test_a_hash_may_not_serve_two_credentials(document):
    document["api_keys"][0]["hash"] = document["sessions"][0]["hash"]
    assert "already used" in problems(document)["api_keys.0.hash"]


def test_duplicate_flow_ids_and_a_next_flow_id_not_above_them_are_refused(document):
    document["flows"].append({**document["flows"][0]})
    document["next_flow_id"] = 1
    found = problems(document)
    assert "duplicate flow id" in found[f"flows.{len(document['flows']) - 1}.id"]
    assert "greater than every flow id" in found["next_flow_id"]


def test_more_than_20_keys_on_one_account_is_refused(document):
    owner_id = document["api_keys"][0]["owner_id"]
    document["api_keys"] = [{"hash": f"{i:032x}", "owner_id": owner_id, "title": f"k{i}",
                             "created_at": "2026-01-01T00:00:00Z"} for i in range(21)]
    assert "more than 20" in problems(document)["api_keys.20.owner_id"]


def test_the_clock_must_stay_between_1970_and_9999(document):
    document["clock"]["now"] = "1969-12-31T23:59:59Z"
    assert "1970" in problems(document)["clock.now"]


def test_a_refused_document_leaves_the_world_untouched(busy):
    world = busy[0]
    before = snapshot.capture(world)
    document = copy.deepcopy(before)
    document["sessions"][0]["user_id"] = 424242
    with pytest.raises(errors.InvalidParameters):
        snapshot.restore(world, load(document))
    assert snapshot.capture(world) == before
