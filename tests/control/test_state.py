"""GET/PUT /__mock__/state: export, load, refuse bad documents untouched, signed snapshots."""
from __future__ import annotations

import json

import pytest
from itsdangerous import URLSafeSerializer

from mockserver.app import create_app
from mockserver.domain.clock import MockClock
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from tests.conftest import START
from tests.helpers import OWNER, SUBUSER, NavixyClient, assert_error, assert_ok, describe

STATE = "/__mock__/state"
SALT = "navixy-mock-state-v1"


def export(client, headers=None) -> dict:
    response = client.get(STATE, headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/json", describe(response)
    return response.get_json()


def load(client, document, headers=None):
    return client.put(STATE, json=document, headers=headers)


def get_info(client, session: str, headers=None):
    return client.get("/v2/user/get_info", query_string={"hash": session}, headers=headers)


@pytest.fixture
def used(client, navixy):
    """Sessions, a key, a flow and a moved clock in the default world."""
    owner = navixy.login(OWNER)
    navixy.create_key(owner, "ci")
    assert_ok(navixy.post("/v2/iot/logic/flow/create", hash=owner,
                          flow={"title": "Saved", "nodes": [], "edges": []}))
    client.post("/__mock__/clock/advance", json={"seconds": 90.5})
    return owner


def other_client():
    app = create_app(world=World(load_fixture(), MockClock(START, frozen=True)))
    return app.test_client()


# ---- export and load ------------------------------------------------------------------------

def test_get_state_returns_the_versioned_document(client, used):
    document = export(client)
    assert document["version"] == 1
    assert document["clock"] == {"now": "2026-01-01T00:01:30.500000Z", "frozen": True}
    assert {s["hash"] for s in document["sessions"]} == {used}
    assert [k["title"] for k in document["api_keys"]] == ["ci"]
    assert "Saved" in [f["title"] for f in document["flows"]]
    assert {u["login"]: u["password"] for u in document["users"]}[OWNER] == "owner-password"


def test_export_load_export_gives_identical_json(client, used):
    first = client.get(STATE).get_data()
    target = other_client()
    assert_ok(target.put(STATE, data=first, content_type="application/json"))
    assert target.get(STATE).get_data() == first


def test_a_loaded_session_and_password_work_on_the_navixy_api(client, used):
    document = export(client)
    target = other_client()
    assert_ok(load(target, document))
    assert assert_ok(get_info(target, used))["user_info"]["login"] == OWNER
    keys = assert_ok(target.post("/v2/api/key/list", json={"hash": used}))["list"]
    assert [k["title"] for k in keys] == ["ci"]
    assert_ok(target.post("/v2/user/auth", json={"login": SUBUSER, "password": "subuser-password"}))


def test_loading_replaces_everything_sessions_included(client, used):
    empty = export(other_client())
    assert_ok(load(client, empty))
    assert_error(get_info(client, used), 4, 400)
    assert client.get("/__mock__/clock").get_json() == {"now": "2026-01-01T00:00:00Z"}


def test_reset_after_a_load_goes_back_to_the_fixture(client):
    document = export(client)
    document["users"][0]["password"] = "loaded-password"
    assert_ok(load(client, document))
    assert_ok(client.post("/v2/user/auth", json={"login": OWNER, "password": "loaded-password"}))
    assert_ok(client.post("/__mock__/reset"))
    assert_ok(client.post("/v2/user/auth", json={"login": OWNER, "password": "owner-password"}))


def test_state_acts_on_the_callers_namespace_only(client, used):
    ns = {"X-Mock-Namespace": "team-a"}
    assert export(client, ns)["sessions"] == []
    assert_ok(load(client, export(client), ns))
    assert_ok(get_info(client, used, ns))
    assert_ok(load(client, export(other_client()), ns))
    assert_ok(get_info(client, used))  # the default world kept its session


def test_a_snapshot_over_1_mib_loads(client):
    document = export(client)
    owner_id = document["users"][0]["id"]
    document["sessions"] = [{"hash": f"{i:032x}", "user_id": owner_id,
                             "created_at": "2026-01-01T00:00:00Z", "last_used": "2026-01-01T00:00:00Z"}
                            for i in range(12_000)]
    assert len(json.dumps(document)) > 1024 * 1024  # Navixy calls stop at 1 MiB (code 9)
    assert_ok(load(client, document))
    assert_ok(get_info(client, f"{11_999:032x}"))


# ---- refused documents ----------------------------------------------------------------------

def test_a_bad_document_is_400_code_7_naming_each_field_and_changes_nothing(client, used):
    before = client.get(STATE).get_data()
    document = export(client)
    document["users"][0]["id"] = "x"
    document["sessions"][0]["last_used"] = "not a date"
    document["extra"] = True
    body = assert_error(load(client, document), 7, 400)
    named = {e["parameter"] for e in body["errors"]}
    assert named == {"users.0.id", "sessions.0.last_used", "extra"}
    assert client.get(STATE).get_data() == before
    assert_ok(get_info(client, used))


def test_a_broken_reference_is_refused_and_changes_nothing(client, used):
    before = client.get(STATE).get_data()
    document = export(client)
    document["sessions"][0]["user_id"] = 999
    body = assert_error(load(client, document), 7, 400)
    assert body["errors"] == [{"parameter": "sessions.0.user_id", "error": "no user with id 999"}]
    assert client.get(STATE).get_data() == before


@pytest.mark.parametrize("body", [b"[]", b'"state"', b"{"])
def test_a_body_that_is_not_a_json_object_is_code_5(client, body):
    assert_error(client.put(STATE, data=body, content_type="application/json"), 5, 400)


def test_a_form_body_is_code_5(client):
    assert_error(client.put(STATE, data={"version": "1"}), 5, 400)


def test_an_empty_body_names_the_missing_fields(client):
    body = assert_error(client.put(STATE), 7, 400)
    assert {e["parameter"] for e in body["errors"]} >= {"version", "users", "clock"}


def test_an_unsigned_server_refuses_a_signed_snapshot(client):
    token = URLSafeSerializer("k", salt=SALT).dumps(export(client))
    body = assert_error(load(client, {"version": 1, "signed": token}), 7, 400)
    assert body["errors"][0]["parameter"] == "signed"
    assert "no --signing-key" in body["errors"][0]["error"]


# ---- signed snapshots -----------------------------------------------------------------------

@pytest.fixture
def signed(world):
    return create_app({"SIGNING_KEY": "s3cret"}, world=world).test_client()


def test_with_a_signing_key_get_returns_a_signed_token(signed):
    document = export(signed)
    assert set(document) == {"version", "signed"} and document["version"] == 1
    inside = URLSafeSerializer("s3cret", salt=SALT).loads(document["signed"])
    assert inside["version"] == 1 and inside["users"]


def test_a_signed_snapshot_loads_back(signed):
    session = NavixyClient(signed).login(OWNER)
    document = export(signed)
    assert_ok(signed.post("/__mock__/reset"))
    assert_error(get_info(signed, session), 4, 400)
    assert_ok(load(signed, document))
    assert_ok(get_info(signed, session))


def test_a_signing_server_refuses_a_plain_document(signed, client):
    body = assert_error(load(signed, export(client)), 7, 400)
    assert body["errors"][0]["parameter"] == "signed"
    assert "signs snapshots" in body["errors"][0]["error"]


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
    lambda token: "e" + token[1:] if token[0] != "e" else "f" + token[1:],  # payload
    lambda token: URLSafeSerializer("other-key", salt=SALT).dumps({"version": 1}),
    lambda token: URLSafeSerializer("s3cret", salt="another-purpose").dumps({"version": 1}),
])
def test_a_tampered_or_foreign_signed_snapshot_is_refused_and_changes_nothing(signed, tamper):
    session = NavixyClient(signed).login(OWNER)
    document = export(signed)
    body = assert_error(load(signed, {"version": 1, "signed": tamper(document["signed"])}), 7, 400)
    assert body["errors"] == [{"parameter": "signed", "error": (
        "bad signature: the snapshot was changed, or signed with another key")}]
    assert_ok(get_info(signed, session))


def test_a_validly_signed_but_invalid_document_is_still_checked(signed, client):
    document = export(client)
    document["next_flow_id"] = 0
    token = URLSafeSerializer("s3cret", salt=SALT).dumps(document)
    body = assert_error(load(signed, {"version": 1, "signed": token}), 7, 400)
    assert [e["parameter"] for e in body["errors"]] == ["next_flow_id"]


def test_snapshots_are_documented_in_the_spec(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert {"get", "put"} <= set(paths[STATE])
    assert paths[STATE]["put"]["security"] == []
    one_of = paths[STATE]["put"]["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in one_of} == {"StateDocument", "SignedState"}
