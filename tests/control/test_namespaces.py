"""X-Mock-Namespace: isolated worlds with their own state and clock."""
from tests.helpers import OWNER, assert_error, assert_ok

NS = {"X-Mock-Namespace": "team-a"}


def login(client, headers=None):
    r = client.post("/v2/user/auth", json={"login": OWNER, "password": "owner-password"}, headers=headers)
    return assert_ok(r)["hash"]


def test_a_session_from_one_namespace_is_unknown_in_another(client):
    session = login(client, NS)
    assert_ok(client.get("/v2/user/get_info", query_string={"hash": session}, headers=NS))
    assert_error(client.get("/v2/user/get_info", query_string={"hash": session}), 4, 400)
    other = {"X-Mock-Namespace": "team-b"}
    assert_error(client.get("/v2/user/get_info", query_string={"hash": session}, headers=other), 4, 400)


def test_keys_created_in_a_namespace_do_not_count_against_the_default_world(client):
    session = login(client, NS)
    for i in range(20):
        assert_ok(client.post("/v2/api/key/create", json={"hash": session, "title": f"k{i}"}, headers=NS))
    default_session = login(client)
    assert assert_ok(client.post("/v2/api/key/list", json={"hash": default_session}))["list"] == []
    assert_ok(client.post("/v2/api/key/create", json={"hash": default_session, "title": "mine"}))


def test_clock_and_reset_act_on_the_callers_namespace_only(client):
    before = client.get("/__mock__/clock").get_json()["now"]
    session = login(client, NS)
    assert client.post("/__mock__/clock/advance", json={"seconds": 30 * 86400}, headers=NS).status_code == 200
    assert client.get("/__mock__/clock").get_json()["now"] == before
    assert_error(client.get("/v2/user/get_info", query_string={"hash": session}, headers=NS), 4, 400)
    default_session = login(client)
    assert_ok(client.post("/__mock__/reset", headers=NS))
    assert_ok(client.get("/v2/user/get_info", query_string={"hash": default_session}))


def test_namespaces_are_listed_and_can_be_dropped(client):
    login(client, NS)
    assert client.get("/__mock__/namespaces").get_json() == {"namespaces": ["team-a"]}
    assert_ok(client.delete("/__mock__/namespaces/team-a"))
    assert client.get("/__mock__/namespaces").get_json() == {"namespaces": []}
    assert_error(client.delete("/__mock__/namespaces/team-a"), 201, 404)


def test_a_dropped_namespace_starts_again_from_the_fixture(client):
    session = login(client, NS)
    client.delete("/__mock__/namespaces/team-a")
    assert_error(client.get("/v2/user/get_info", query_string={"hash": session}, headers=NS), 4, 400)


def test_an_invalid_namespace_name_is_7(client):
    body = assert_error(client.get("/__mock__/clock", headers={"X-Mock-Namespace": "bad name!"}), 7, 400)
    assert body["errors"][0]["parameter"] == "X-Mock-Namespace"


def test_clock_set_refuses_a_date_with_a_nul_character(client):
    before = client.get("/__mock__/clock").get_json()["now"]
    assert_error(client.put("/__mock__/clock", json={"now": "2026-01-01T00:00:00\x00"}), 7, 400)
    assert client.get("/__mock__/clock").get_json()["now"] == before
