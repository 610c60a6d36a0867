"""Fixture loading: the default fixture's contents, and every malformed fixture -> FixtureError."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from mockserver.fixtures import FixtureError, default_fixture_text, load_fixture, parse_fixture
from mockserver.formats import parse_iso, parse_platform_date
from tests.unit.support import INACTIVE, OTHER, OTHER_FLOWS, OWNER, OWNER_FLOWS, PASSWORDS, SUBUSER

REPO_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "default.json"
HASH = "0123456789abcdef0123456789abcdef"


def user(id_: int, login: str, master: str | None = None, **extra) -> dict:
    raw = {"id": id_, "login": login, "password": "secret1", **extra}
    if master is not None:
        raw["master"] = master
    return raw


# ---- the default fixture -------------------------------------------------------------------


def test_the_packaged_default_fixture_is_the_repos_fixtures_default_json():
    assert json.loads(default_fixture_text()) == json.loads(REPO_FIXTURE.read_text(encoding="utf-8"))


def test_the_default_fixture_has_the_four_interface_users_with_their_passwords():
    users = {u.login: u for u in load_fixture().users}
    assert {login: u.password for login, u in users.items()} == PASSWORDS


def test_in_the_default_fixture_the_sub_user_belongs_to_the_owner():
    users = {u.login: u for u in load_fixture().users}
    assert users[SUBUSER].master_id == users[OWNER].id
    assert users[SUBUSER].account_id == users[OWNER].id
    assert all(users[login].is_owner for login in (OWNER, OTHER, INACTIVE))


def test_in_the_default_fixture_only_the_inactive_user_is_not_activated():
    assert {u.login for u in load_fixture().users if not u.activated} == {INACTIVE}


def test_the_default_fixture_gives_the_owner_two_flows_and_the_other_owner_one():
    fixture = load_fixture()
    by_login = {u.login: u.id for u in fixture.users}
    owned = {f.id: f.owner_id for f in fixture.flows}
    assert {i for i, o in owned.items() if o == by_login[OWNER]} == OWNER_FLOWS
    assert {i for i, o in owned.items() if o == by_login[OTHER]} == OTHER_FLOWS


def test_the_default_fixture_parses_dates_as_utc():
    fixture = load_fixture()
    owner = next(u for u in fixture.users if u.login == OWNER)
    assert owner.creation_date == parse_platform_date("2024-03-01 09:00:00")
    assert next(f for f in fixture.flows if f.id == 1234).modified == parse_iso("2024-01-15T10:30:00Z")


def test_the_default_fixture_runs_on_real_time():
    fixture = load_fixture()
    assert (fixture.clock_start, fixture.clock_frozen) == (None, False)


def test_load_fixture_reads_a_path(tmp_path):
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"users": [user(1, "a@example.com")]}), encoding="utf-8")
    assert [u.login for u in load_fixture(path).users] == ["a@example.com"]


# ---- a minimal fixture and its defaults ----------------------------------------------------


def test_a_minimal_fixture_fills_in_the_defaults():
    fixture = parse_fixture({"users": [user(1, "a@example.com")]})
    (only,) = fixture.users
    assert (only.activated, only.master_id, only.dealer_id, only.privileges) == (True, None, 1, [])
    assert (fixture.keys, fixture.flows, fixture.clock_start, fixture.clock_frozen) == ([], [], None, False)


def test_a_fixture_clock_can_start_at_a_time_and_be_frozen():
    fixture = parse_fixture({"users": [], "clock": {"start": "2030-01-02T03:04:05Z", "frozen": True}})
    assert (fixture.clock_start, fixture.clock_frozen) == (parse_iso("2030-01-02T03:04:05Z"), True)
    clock = fixture.make_clock()
    assert clock.now() == parse_iso("2030-01-02T03:04:05Z")


def test_a_fixture_key_belongs_to_its_owners_account():
    fixture = parse_fixture({"users": [user(5, "a@example.com")],
                             "api_keys": [{"owner": "a@example.com", "hash": HASH, "title": "t"}]})
    assert [(k.hash, k.owner_id) for k in fixture.keys] == [(HASH, 5)]


# ---- malformed fixtures --------------------------------------------------------------------


@pytest.mark.parametrize("users", [
    [user(1, "a", master="nobody")],  # unknown master
    [user(1, "o"), user(2, "s", master="o"), user(3, "t", master="s")],  # master is a sub-user
], ids=["unknown master", "sub-user as master"])
def test_a_bad_master_is_a_fixture_error(users):
    with pytest.raises(FixtureError, match="master"):
        parse_fixture({"users": users})


def test_a_user_that_names_itself_as_master_is_a_fixture_error():
    with pytest.raises(FixtureError):
        parse_fixture({"users": [user(1, "a", master="a")]})


def test_a_chain_of_masters_is_a_fixture_error_whatever_the_order():
    with pytest.raises(FixtureError):
        parse_fixture({"users": [user(3, "t", master="s"), user(2, "s", master="o"), user(1, "o")]})


def test_a_duplicate_login_is_a_fixture_error():
    with pytest.raises(FixtureError, match="duplicate"):
        parse_fixture({"users": [user(1, "a@example.com"), user(2, "a@example.com")]})


def test_a_duplicate_user_id_is_a_fixture_error():
    with pytest.raises(FixtureError, match="duplicate"):
        parse_fixture({"users": [user(1, "a@example.com"), user(1, "b@example.com")]})


def test_a_frozen_clock_without_a_start_is_a_fixture_error():
    with pytest.raises(FixtureError, match="frozen"):
        parse_fixture({"users": [], "clock": {"frozen": True}})


@pytest.mark.parametrize("owner", ["nobody", "s"], ids=["unknown owner", "sub-user owner"])
def test_a_key_or_flow_must_belong_to_an_account_owner(owner):
    users = [user(1, "o"), user(2, "s", master="o")]
    with pytest.raises(FixtureError):
        parse_fixture({"users": users, "api_keys": [{"owner": owner, "hash": HASH, "title": "t"}]})
    with pytest.raises(FixtureError):
        parse_fixture({"users": users, "flows": [{"owner": owner, "id": 1, "title": "t"}]})


@pytest.mark.parametrize("document", [
    {},
    {"users": "nope"},
    {"users": [{"login": "a", "password": "secret1"}]},  # no id
    {"users": [user(1, "")]},
    {"users": [user(1, "a", creation_date="yesterday")]},
    {"users": [], "clock": {"start": "not a date"}},
    {"users": [user(1, "a")], "api_keys": [{"owner": "a", "hash": "xyz", "title": "t"}]},
    {"users": [user(1, "a")], "flows": [{"owner": "a", "id": 1, "title": "t", "modified": "soon"}]},
], ids=["no users", "users not a list", "user without id", "empty login", "bad creation_date",
        "bad clock start", "bad key hash", "bad flow modified"])
def test_a_malformed_document_is_a_fixture_error(tmp_path, document):
    # Through load_fixture: parse_fixture alone lets a bad date out as a plain ValueError.
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(FixtureError):
        load_fixture(path)


@pytest.mark.parametrize("start", ["1969-12-31T23:59:59Z", "9999-12-31T23:59:59-05:00"])
def test_a_fixture_clock_start_outside_1970_to_9999_is_a_fixture_error(start):
    with pytest.raises(FixtureError):
        parse_fixture({"users": [], "clock": {"start": start, "frozen": True}})


@pytest.mark.parametrize("bad_hash", [HASH + "0", HASH + "zz", HASH + "\n"], ids=["33 chars", "trailing junk", "newline"])
def test_a_fixture_key_hash_must_be_exactly_32_lowercase_hex(bad_hash):
    with pytest.raises(FixtureError):
        parse_fixture({"users": [user(1, "a")],
                       "api_keys": [{"owner": "a", "hash": bad_hash, "title": "t"}]})


def test_a_duplicate_flow_id_is_a_fixture_error():
    with pytest.raises(FixtureError):
        parse_fixture({"users": [user(1, "a"), user(2, "b")],
                       "flows": [{"owner": "a", "id": 7, "title": "x"}, {"owner": "b", "id": 7, "title": "y"}]})


def test_a_duplicate_key_hash_is_a_fixture_error():
    with pytest.raises(FixtureError):
        parse_fixture({"users": [user(1, "a"), user(2, "b")],
                       "api_keys": [{"owner": "a", "hash": HASH, "title": "x"},
                                    {"owner": "b", "hash": HASH, "title": "y"}]})


def test_an_unreadable_path_is_a_fixture_error(tmp_path):
    with pytest.raises(FixtureError):
        load_fixture(tmp_path / "missing.json")


def test_a_file_that_is_not_json_is_a_fixture_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(FixtureError):
        load_fixture(path)


def test_stores_share_the_fixtures_frozen_records_so_no_world_can_change_them():
    fixture = load_fixture()
    store = fixture.build_store()
    with pytest.raises(dataclasses.FrozenInstanceError):
        store.user_by_login(OWNER).password = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        store.flow(1234).title = "changed"
    assert fixture.build_store().user_by_login(OWNER) is store.user_by_login(OWNER)
