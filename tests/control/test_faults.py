"""/__mock__/faults: injected delays, Navixy errors and dropped connections on /v2 calls."""
from __future__ import annotations

import time

import pytest

from mockserver.app import create_app
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from mockserver.web.guards import ConnectionDropped
from tests.helpers import OWNER, PASSWORDS, SUBUSER, assert_error, assert_ok, describe

AUTH = "/v2/user/auth"
NS = {"X-Mock-Namespace": "team-a"}


def add_fault(client, headers=None, **document) -> str:
    response = client.post("/__mock__/faults", json=document, headers=headers)
    assert response.status_code == 200, describe(response)
    return response.get_json()["id"]


def list_faults(client, headers=None) -> list[dict]:
    response = client.get("/__mock__/faults", headers=headers)
    assert response.status_code == 200, describe(response)
    return response.get_json()["faults"]


def auth(client, login=OWNER, headers=None):
    return client.post(AUTH, json={"login": login, "password": PASSWORDS[login]}, headers=headers)


# ---- the collection -------------------------------------------------------------------------

def test_a_created_fault_is_listed_with_its_match_action_and_counters(client):
    fault_id = add_fault(client, match={"path": "/v2/user/auth/", "method": "POST"},
                         action={"code": 15, "retry_after": 3}, times=2, probability=0.5)
    assert list_faults(client) == [{
        "id": fault_id, "match": {"path": "/v2/user/auth", "method": "POST"},
        "action": {"delay_ms": 0, "code": 15, "retry_after": 3, "drop_connection": False},
        "times": 2, "probability": 0.5, "fired": 0}]


def test_delete_by_id_removes_one_fault_and_an_unknown_id_is_201_404(client):
    first = add_fault(client, match={"path": "/v2/a"}, action={"code": 6})
    second = add_fault(client, match={"path": "/v2/b"}, action={"code": 6})
    assert_ok(client.delete(f"/__mock__/faults/{first}"))
    assert [f["id"] for f in list_faults(client)] == [second]
    assert_error(client.delete(f"/__mock__/faults/{first}"), 201, 404)


def test_delete_all_removes_every_fault(client):
    for _ in range(3):
        add_fault(client, match={"path": "*"}, action={"code": 6})
    assert_ok(client.delete("/__mock__/faults"))
    assert list_faults(client) == []
    assert_ok(auth(client))


def test_reset_removes_the_faults_too(client):
    add_fault(client, match={"path": "*"}, action={"code": 6})
    assert_ok(client.post("/__mock__/reset"))
    assert list_faults(client) == []


# ---- actions --------------------------------------------------------------------------------

def test_code_15_answers_429_in_the_envelope_with_retry_after(client):
    add_fault(client, match={"path": AUTH}, action={"code": 15, "retry_after": 5})
    response = auth(client)
    assert_error(response, 15, 429)
    assert response.headers["Retry-After"] == "5"


def test_code_15_without_retry_after_says_retry_after_1(client):
    add_fault(client, match={"path": AUTH}, action={"code": 15})
    assert auth(client).headers["Retry-After"] == "1"


def test_a_code_gets_the_error_tables_http_status_for_its_path(client):
    add_fault(client, match={"path": "/v2/api/key/list"}, action={"code": 268})
    add_fault(client, match={"path": "/v2/iot/logic/flow/list"}, action={"code": 4})
    add_fault(client, match={"path": "/v2/user/get_info"}, action={"code": 4})
    body = assert_error(client.get("/v2/api/key/list"), 268, 402)
    assert body["status"]["description"] == "Over quota"
    assert_error(client.get("/v2/iot/logic/flow/list"), 4, 401)  # IoT Logic's table
    assert_error(client.get("/v2/user/get_info"), 4, 400)  # the platform table
    assert "Retry-After" not in client.get("/v2/user/get_info").headers


def test_an_injected_5xx_is_a_500_in_the_envelope(client):
    add_fault(client, match={"path": AUTH}, action={"code": 6})
    assert_error(auth(client), 6, 500)


def test_an_explicit_status_wins_over_the_table_and_picks_a_code_if_none_is_given(client):
    add_fault(client, match={"path": AUTH}, action={"status": 503}, times=1)
    add_fault(client, match={"path": AUTH}, action={"code": 6, "status": 502}, times=1)
    add_fault(client, match={"path": AUTH}, action={"status": 429}, times=1)
    body = assert_error(auth(client), 8, 503)
    assert body["status"]["description"] == "Queue service error, try again later"
    assert_error(auth(client), 6, 502)
    response = auth(client)
    assert_error(response, 15, 429)
    assert response.headers["Retry-After"] == "1"
    assert_ok(auth(client))


def test_a_delay_waits_then_the_call_goes_on(client):
    add_fault(client, match={"path": AUTH}, action={"delay_ms": 200})
    started = time.monotonic()
    assert_ok(auth(client))
    assert time.monotonic() - started >= 0.2


def test_a_delay_with_a_code_waits_then_answers_the_error(client):
    add_fault(client, match={"path": AUTH}, action={"delay_ms": 150, "code": 14})
    started = time.monotonic()
    assert_error(auth(client), 14, 503)
    assert time.monotonic() - started >= 0.15


def test_drop_connection_is_a_clear_error_in_the_test_client_and_the_app_serves_on(client):
    add_fault(client, match={"path": AUTH}, action={"drop_connection": True}, times=1)
    with pytest.raises(ConnectionDropped, match="drop_connection"):
        auth(client)
    assert_ok(auth(client))


# ---- counting -------------------------------------------------------------------------------

def test_times_applies_the_fault_n_times_then_removes_it(client):
    add_fault(client, match={"path": AUTH}, action={"code": 15}, times=2)
    assert_error(auth(client), 15, 429)
    assert list_faults(client)[0]["times"] == 1
    assert_error(auth(client), 15, 429)
    assert list_faults(client) == []
    assert_ok(auth(client))


def fired_sequence(client, n: int = 30) -> list[int]:
    add_fault(client, match={"path": AUTH}, action={"code": 15}, probability=0.5)
    return [auth(client).status_code for _ in range(n)]


def seeded_client(seed: int, clock):
    return create_app(world=World(load_fixture(), clock, seed=seed)).test_client()


def test_probability_with_a_seed_gives_the_same_sequence_twice(clock):
    first = fired_sequence(seeded_client(11, clock))
    assert set(first) == {200, 429}
    assert fired_sequence(seeded_client(11, clock)) == first
    assert fired_sequence(seeded_client(12, clock)) != first


def test_reset_replays_the_seed(client):
    first = fired_sequence(client)
    assert_ok(client.post("/__mock__/reset"))
    assert fired_sequence(client) == first


def test_the_seed_comes_from_config_and_namespaces_inherit_it():
    app = create_app({"SEED": 11})
    assert app.test_client().get("/__mock__/faults", headers=NS).status_code == 200
    runtime = app.extensions["mockserver"]
    assert runtime.world.seed == 11 and runtime.namespaces.world("team-a").seed == 11


# ---- matching -------------------------------------------------------------------------------

def test_a_method_limits_the_fault_to_that_method(client):
    add_fault(client, match={"path": AUTH, "method": "GET"}, action={"code": 6})
    assert_ok(auth(client))
    response = client.get(AUTH, query_string={"login": OWNER, "password": PASSWORDS[OWNER]})
    assert_error(response, 6, 500)


def test_a_glob_path_faults_every_call_under_it(client, navixy):
    session = navixy.login()
    add_fault(client, match={"path": "/v2/iot/logic/*"}, action={"code": 8})
    assert_error(navixy.post("/v2/iot/logic/flow/list", hash=session), 8, 503)
    assert_error(navixy.get("/v2/iot/logic/flow/read/", hash=session, flow_id=1), 8, 503)
    assert_ok(navixy.post("/v2/user/get_info", hash=session))


def test_a_login_matches_the_user_behind_the_credential(client, navixy):
    owner, sub = navixy.login(OWNER), navixy.login(SUBUSER)
    add_fault(client, match={"path": "/v2/user/get_info", "login": SUBUSER}, action={"code": 13})
    assert_ok(navixy.post("/v2/user/get_info", hash=owner))
    assert_error(navixy.post("/v2/user/get_info", hash=sub), 13, 403)
    assert_error(navixy.get("/v2/user/get_info", hash=sub), 13, 403)


def test_a_login_matches_an_api_keys_owner(client, navixy):
    key = navixy.create_key(navixy.login(OWNER))
    add_fault(client, match={"path": "*", "login": OWNER}, action={"code": 6})
    assert_error(navixy.post("/v2/user/get_info", hash=key), 6, 500)


def test_a_login_matches_the_login_parameter_of_user_auth(client):
    add_fault(client, match={"path": AUTH, "login": SUBUSER}, action={"code": 6})
    assert_ok(auth(client, OWNER))
    assert_error(auth(client, SUBUSER), 6, 500)
    form = client.post(AUTH, data={"login": SUBUSER, "password": PASSWORDS[SUBUSER]})
    assert_error(form, 6, 500)


def test_a_login_fault_ignores_calls_without_a_usable_credential(client, navixy):
    add_fault(client, match={"path": "*", "login": OWNER}, action={"code": 6})
    assert_error(navixy.post("/v2/user/get_info"), 3, 400)
    assert_error(navixy.post("/v2/user/get_info", hash="0" * 32), 4, 400)
    assert_error(client.post("/v2/user/get_info", data="{bad", content_type="application/json"), 5, 400)


def test_faults_are_never_applied_to_the_control_plane(client):
    add_fault(client, match={"path": "*"}, action={"code": 6})
    assert client.get("/__mock__/health").status_code == 200
    assert client.get("/__mock__/clock").status_code == 200
    assert len(list_faults(client)) == 1
    assert_error(auth(client), 6, 500)


def test_a_fault_on_a_control_path_is_refused_with_7(client):
    body = assert_error(client.post("/__mock__/faults", json={
        "match": {"path": "/__mock__/health"}, "action": {"code": 6}}), 7, 400)
    assert body["errors"][0]["parameter"] == "match.path"


def test_faults_live_in_the_callers_namespace(client):
    add_fault(client, headers=NS, match={"path": AUTH}, action={"code": 6})
    assert_error(auth(client, headers=NS), 6, 500)
    assert_ok(auth(client))
    assert list_faults(client) == []
    assert len(list_faults(client, headers=NS)) == 1
    assert_ok(client.delete("/__mock__/faults"))  # the default world's: none there
    assert len(list_faults(client, headers=NS)) == 1


def test_faults_reach_namespaces_selected_by_url_prefix(client):
    add_fault(client, headers=NS, match={"path": AUTH}, action={"code": 6})
    response = client.post("/__ns__/team-a/v2/user/auth", json={"login": OWNER, "password": PASSWORDS[OWNER]})
    assert_error(response, 6, 500)


# ---- validation: a bad fault document is 400 with code 7, never a 500 -----------------------

@pytest.mark.parametrize("document, parameter", [
    ({"action": {"code": 6}}, "match"),
    ({"match": {"path": AUTH}}, "action"),
    ({"match": {"path": AUTH}, "action": {"code": 6}, "extra": 1}, "extra"),
    ({"match": {"path": AUTH, "host": "x"}, "action": {"code": 6}}, "match.host"),
    ({"match": {"path": "v2/user/auth"}, "action": {"code": 6}}, "match.path"),
    ({"match": {"path": ""}, "action": {"code": 6}}, "match.path"),
    ({"match": {"path": "/v2/\u0000"}, "action": {"code": 6}}, "match.path"),
    ({"match": {"path": 5}, "action": {"code": 6}}, "match.path"),
    ({"match": {"path": AUTH, "method": "post"}, "action": {"code": 6}}, "match.method"),
    ({"match": {"path": AUTH, "login": ""}, "action": {"code": 6}}, "match.login"),
    ({"match": {"path": AUTH}, "action": {"delay_ms": 30001}}, "action.delay_ms"),
    ({"match": {"path": AUTH}, "action": {"delay_ms": "100"}}, "action.delay_ms"),
    ({"match": {"path": AUTH}, "action": {"delay_ms": 1.5}}, "action.delay_ms"),
    ({"match": {"path": AUTH}, "action": {"status": 200}}, "action.status"),
    ({"match": {"path": AUTH}, "action": {"status": 600}}, "action.status"),
    ({"match": {"path": AUTH}, "action": {"code": 0}}, "action.code"),
    ({"match": {"path": AUTH}, "action": {"code": True}}, "action.code"),
    ({"match": {"path": AUTH}, "action": {"drop_connection": "yes"}}, "action.drop_connection"),
    ({"match": {"path": AUTH}, "action": {"drop_connection": 1}}, "action.drop_connection"),
    ({"match": {"path": AUTH}, "action": {"code": 6, "retry_after": -1}}, "action.retry_after"),
    ({"match": {"path": AUTH}, "action": {}}, "action"),
    ({"match": {"path": AUTH}, "action": {"drop_connection": True, "code": 6}}, "action.drop_connection"),
    ({"match": {"path": AUTH}, "action": {"code": 6}, "times": 0}, "times"),
    ({"match": {"path": AUTH}, "action": {"code": 6}, "probability": 1.5}, "probability"),
    ({"match": {"path": AUTH}, "action": {"code": 6}, "probability": "0.5"}, "probability"),
    ({"match": {"path": AUTH}, "action": {"code": 6}, "probability": True}, "probability"),
    ({"match": "/v2/user/auth", "action": {"code": 6}}, "match"),
])
def test_a_bad_fault_document_is_7_naming_the_parameter(client, document, parameter):
    body = assert_error(client.post("/__mock__/faults", json=document), 7, 400)
    assert parameter in {e["parameter"] for e in body["errors"]}, body
    assert list_faults(client) == []


@pytest.mark.parametrize("raw", ["{not json", "[]", "null", "1e999999"])
def test_a_fault_body_that_is_not_a_json_object_is_refused_not_a_500(client, raw):
    response = client.post("/__mock__/faults", data=raw, content_type="application/json")
    assert response.status_code == 400, describe(response)
    assert response.get_json()["success"] is False


def test_an_unknown_fault_path_or_method_is_in_the_envelope(client):
    assert_error(client.put("/__mock__/faults"), 112, 405)
    assert_error(client.get("/__mock__/faults/f1"), 112, 405)


def test_the_spec_documents_429_with_retry_after_on_navixy_calls(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["paths"][AUTH]["post"]["responses"]["429"] == {"$ref": "#/components/responses/TOO_MANY_REQUESTS"}
    headers = spec["components"]["responses"]["TOO_MANY_REQUESTS"]["headers"]
    assert headers["Retry-After"]["schema"]["type"] == "integer"
    assert {"/__mock__/faults", "/__mock__/faults/{fault_id}"} <= set(spec["paths"])
