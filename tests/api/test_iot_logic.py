"""/v2/iot/logic/flow/*: account-scoped flows, graph checks (292), and IoT's 401/404 statuses."""
import json
import re

import pytest

from tests.helpers import OTHER, SUBUSER, assert_error, assert_ok

ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
FLOW = "/v2/iot/logic/flow"
OWNER_FLOWS = {1234, 1235}
OTHER_FLOW = 2001


def draft(**overrides) -> dict:
    """A small valid flow: a data source feeding the default output."""
    flow = {
        "title": "Trucks to Navixy",
        "description": "made by a test",
        "nodes": [
            {"id": 1, "type": "data_source", "data": {"title": "Trucks", "source_ids": [7, 8]},
             "view": {"position": {"x": 10, "y": 20}}},
            {"id": 2, "type": "output_endpoint",
             "data": {"title": "Out", "output_endpoint_type": "output_default"}},
        ],
        "edges": [{"from": 1, "to": 2, "type": "simple_edge"}],
    }
    flow.update(overrides)
    return flow


def flow_list(navixy, credential: str) -> list[dict]:
    return assert_ok(navixy.post(f"{FLOW}/list", hash=credential))["list"]


def flow_ids(navixy, credential: str) -> set[int]:
    return {f["id"] for f in flow_list(navixy, credential)}


def read(navixy, credential: str, flow_id: int):
    return navixy.post(f"{FLOW}/read", hash=credential, flow_id=flow_id)


def read_value(navixy, credential: str, flow_id: int) -> dict:
    return assert_ok(read(navixy, credential, flow_id))["value"]


def create(navixy, credential: str, flow: dict) -> int:
    body = assert_ok(navixy.post(f"{FLOW}/create", hash=credential, flow=flow))
    assert set(body) == {"success", "id"} and isinstance(body["id"], int)
    return body["id"]


def listed_flow(navixy, credential: str, flow_id: int) -> dict:
    return next(f for f in flow_list(navixy, credential) if f["id"] == flow_id)


# ---- list -----------------------------------------------------------------------------------

def test_list_returns_flow_infos_with_iso_utc_modified(navixy):
    body = assert_ok(navixy.post(f"{FLOW}/list", hash=navixy.login()))
    assert set(body) == {"success", "list"}
    for info in body["list"]:
        assert set(info) == {"id", "title", "description", "enabled", "modified", "devices_count"}
        assert ISO_UTC.fullmatch(info["modified"])
    first = next(f for f in body["list"] if f["id"] == 1234)
    assert first == {"id": 1234, "title": "Fleet Data to External System", "description": None,
                     "enabled": True, "modified": "2024-01-15T10:30:00Z", "devices_count": 3}


def test_the_owner_sees_only_its_own_accounts_flows(navixy):
    assert flow_ids(navixy, navixy.login()) == OWNER_FLOWS


def test_another_owner_sees_only_its_own_flows(navixy):
    assert flow_ids(navixy, navixy.login(OTHER)) == {OTHER_FLOW}


def test_a_sub_user_sees_its_owners_flows(navixy):
    assert flow_ids(navixy, navixy.login(SUBUSER)) == OWNER_FLOWS


def test_an_api_key_lists_its_accounts_flows(navixy):
    key = navixy.create_key(navixy.login())
    assert flow_ids(navixy, key) == OWNER_FLOWS


@pytest.mark.parametrize("where", ["query", "header"])
def test_list_accepts_the_credential_in_query_and_nvx_header(navixy, where):
    session = navixy.login()
    if where == "query":
        response = navixy.get(f"{FLOW}/list", hash=session)
    else:
        response = navixy.client.get(f"{FLOW}/list", headers={"Authorization": f"NVX {session}"})
    assert {f["id"] for f in assert_ok(response)["list"]} == OWNER_FLOWS


# ---- read -----------------------------------------------------------------------------------

@pytest.mark.parametrize("send", ["get", "post"])
def test_read_returns_the_flow_with_nodes_and_edges_by_query_or_json(navixy, send):
    response = getattr(navixy, send)(f"{FLOW}/read", hash=navixy.login(), flow_id=1234)
    value = assert_ok(response)["value"]
    assert (value["id"], value["title"], value["description"], value["enabled"]) == (
        1234, "Fleet Data to External System", None, True)
    assert [(n["id"], n["type"]) for n in value["nodes"]] == [(1, "data_source"), (3, "output_endpoint")]
    assert value["nodes"][0]["data"] == {"title": "Fleet Vehicles", "source_ids": [12345, 12346, 12347]}
    assert [(e["from"], e["to"]) for e in value["edges"]] == [(1, 3)]


def test_a_sub_user_can_read_its_owners_flow(navixy):
    assert read_value(navixy, navixy.login(SUBUSER), 1235)["title"] == "Temperature alerts"


@pytest.mark.parametrize("action", ["read", "delete"])
@pytest.mark.parametrize("flow_id", [OTHER_FLOW, 999999], ids=["other-account", "unknown"])
def test_another_accounts_or_an_unknown_flow_is_201_with_http_404(navixy, action, flow_id):
    response = navixy.post(f"{FLOW}/{action}", hash=navixy.login(), flow_id=flow_id)
    assert_error(response, 201, 404)
    assert flow_ids(navixy, navixy.login(OTHER)) == {OTHER_FLOW}


@pytest.mark.parametrize("flow_id", [OTHER_FLOW, 999999], ids=["other-account", "unknown"])
def test_updating_another_accounts_or_an_unknown_flow_is_201_with_http_404(navixy, flow_id):
    response = navixy.post(f"{FLOW}/update", hash=navixy.login(), flow=draft(id=flow_id, title="hijack"))
    assert_error(response, 201, 404)
    assert read_value(navixy, navixy.login(OTHER), OTHER_FLOW)["title"] == "Other account's flow"


def test_read_without_flow_id_is_7_naming_it(navixy):
    body = assert_error(navixy.post(f"{FLOW}/read", hash=navixy.login()), 7, 400)
    assert "flow_id" in [e["parameter"] for e in body["errors"]]


# ---- create ---------------------------------------------------------------------------------

def test_a_created_flow_appears_in_list_and_read(navixy, clock):
    session = navixy.login()
    clock.advance(3600)
    flow_id = create(navixy, session, draft(enabled=True))
    assert flow_id not in OWNER_FLOWS | {OTHER_FLOW}
    assert listed_flow(navixy, session, flow_id) == {
        "id": flow_id, "title": "Trucks to Navixy", "description": "made by a test",
        "enabled": True, "modified": "2026-01-01T01:00:00Z", "devices_count": 2}
    value = read_value(navixy, session, flow_id)
    sent = draft(enabled=True)
    assert value == {"id": flow_id, **sent}


def test_a_created_flow_belongs_to_the_callers_account_only(navixy):
    flow_id = create(navixy, navixy.login(), draft())
    assert flow_id in flow_ids(navixy, navixy.login(SUBUSER))
    other = navixy.login(OTHER)
    assert flow_id not in flow_ids(navixy, other)
    assert_error(read(navixy, other, flow_id), 201, 404)


def test_enabled_defaults_to_false_and_edge_type_to_simple_edge(navixy):
    session = navixy.login()
    flow = draft(edges=[{"from": 1, "to": 2}])
    del flow["description"]
    flow_id = create(navixy, session, flow)
    value = read_value(navixy, session, flow_id)
    assert value["enabled"] is False
    assert value["description"] is None
    assert value["edges"] == [{"from": 1, "to": 2, "type": "simple_edge"}]


def test_a_flow_with_only_a_title_is_created_empty(navixy):
    session = navixy.login()
    flow_id = create(navixy, session, {"title": "Empty"})
    value = read_value(navixy, session, flow_id)
    assert (value["nodes"], value["edges"], value["enabled"]) == ([], [], False)
    assert listed_flow(navixy, session, flow_id)["devices_count"] == 0


def test_create_via_form_takes_flow_as_a_json_string(navixy):
    session = navixy.login()
    body = assert_ok(navixy.form(f"{FLOW}/create", hash=session, flow=json.dumps(draft(title="by form"))))
    assert read_value(navixy, session, body["id"])["title"] == "by form"


def test_create_via_get_takes_flow_as_a_json_query_parameter(navixy):
    session = navixy.login()
    body = assert_ok(navixy.get(f"{FLOW}/create", hash=session, flow=json.dumps(draft(title="by query"))))
    value = read_value(navixy, session, body["id"])
    assert value["title"] == "by query"
    assert [(e["from"], e["to"]) for e in value["edges"]] == [(1, 2)]


def test_a_flow_form_field_that_is_not_json_is_7_naming_flow(navixy):
    session = navixy.login()
    body = assert_error(navixy.form(f"{FLOW}/create", hash=session, flow="{not json"), 7, 400)
    assert "flow" in [e["parameter"] for e in body["errors"]]
    assert flow_ids(navixy, session) == OWNER_FLOWS


def test_create_without_the_flow_envelope_is_7(navixy):
    session = navixy.login()
    body = assert_error(navixy.post(f"{FLOW}/create", hash=session, title="no envelope"), 7, 400)
    assert body["errors"]
    assert flow_ids(navixy, session) == OWNER_FLOWS


def test_an_api_key_can_create_a_flow_in_its_account(navixy):
    session = navixy.login()
    flow_id = create(navixy, navixy.create_key(session), draft(title="by key"))
    assert read_value(navixy, session, flow_id)["title"] == "by key"


# ---- 292: invalid graphs --------------------------------------------------------------------

def _graph_error(navixy, session, flow) -> list[dict]:
    body = assert_error(navixy.post(f"{FLOW}/create", hash=session, flow=flow), 292, 400)
    for problem in body["errors"]:
        assert isinstance(problem["node_ids"], list) and all(isinstance(i, int) for i in problem["node_ids"])
        assert isinstance(problem["message"], str) and problem["message"]
    assert flow_ids(navixy, session) == OWNER_FLOWS  # nothing was created
    return body["errors"]


def test_an_edge_to_a_missing_node_is_292_naming_the_node(navixy):
    errors = _graph_error(navixy, navixy.login(), draft(edges=[{"from": 1, "to": 9}]))
    assert [e["node_ids"] for e in errors] == [[9]]
    assert "missing" in errors[0]["message"]


def test_an_edge_from_a_missing_node_is_292_naming_the_node(navixy):
    errors = _graph_error(navixy, navixy.login(), draft(edges=[{"from": 5, "to": 2}]))
    assert [e["node_ids"] for e in errors] == [[5]]


def test_duplicate_node_ids_are_292_naming_the_id(navixy):
    nodes = draft()["nodes"] + [{"id": 2, "type": "webhook", "data": {"title": "dup"}}]
    errors = _graph_error(navixy, navixy.login(), draft(nodes=nodes))
    assert [e["node_ids"] for e in errors] == [[2]]


def test_a_self_loop_is_292_naming_the_node(navixy):
    errors = _graph_error(navixy, navixy.login(), draft(edges=[{"from": 1, "to": 1}]))
    assert [e["node_ids"] for e in errors] == [[1]]


# ---- 7: malformed flows ---------------------------------------------------------------------

def _without_title():
    flow = draft()
    del flow["title"]
    return flow


def _with_node(**node):
    return draft(nodes=[{"id": 1, "type": "logic", "data": {}, **node}], edges=[])


@pytest.mark.parametrize("flow, parameter", [
    pytest.param(_without_title(), "flow.title", id="missing-title"),
    pytest.param(draft(title=""), "flow.title", id="empty-title"),
    pytest.param(draft(title="x" * 256), "flow.title", id="long-title"),
    pytest.param(_with_node(type="teleporter"), "flow.nodes.0.type", id="unknown-node-type"),
    pytest.param(_with_node(id="one"), "flow.nodes.0.id", id="string-node-id"),
    pytest.param(_with_node(id=1.5), "flow.nodes.0.id", id="float-node-id"),
    pytest.param(_with_node(id=True), "flow.nodes.0.id", id="bool-node-id"),
    pytest.param(draft(edges=[{"from": 1}]), "flow.edges.0.to", id="edge-without-to"),
    pytest.param(draft(edges=[{"from": 1, "to": 2, "type": "sideways"}]), "flow.edges.0.type",
                 id="unknown-edge-type"),
    pytest.param(draft(enabled="maybe"), "flow.enabled", id="non-bool-enabled"),
])
def test_a_malformed_flow_is_7_with_dotted_parameter_names(navixy, flow, parameter):
    session = navixy.login()
    body = assert_error(navixy.post(f"{FLOW}/create", hash=session, flow=flow), 7, 400)
    assert parameter in [e["parameter"] for e in body["errors"]]
    assert flow_ids(navixy, session) == OWNER_FLOWS


# ---- update ---------------------------------------------------------------------------------

def test_update_replaces_the_flow_and_returns_its_id(navixy):
    session = navixy.login()
    new = {"id": 1235, "title": "Renamed", "description": None, "enabled": True,
           "nodes": [{"id": 10, "type": "data_source", "data": {"title": "Vans", "source_ids": [1]}},
                     {"id": 11, "type": "action", "data": {"title": "Act"}}],
           "edges": [{"from": 10, "to": 11, "type": "then_edge"}]}
    body = assert_ok(navixy.post(f"{FLOW}/update", hash=session, flow=new))
    assert body == {"success": True, "id": 1235}
    assert read_value(navixy, session, 1235) == new


def test_update_without_enabled_resets_it_to_false(navixy):
    session = navixy.login()
    flow = read_value(navixy, session, 1234)
    del flow["enabled"]
    assert_ok(navixy.post(f"{FLOW}/update", hash=session, flow=flow))
    assert read_value(navixy, session, 1234)["enabled"] is False


def test_update_bumps_modified_to_the_mock_clock(navixy, clock):
    session = navixy.login()
    clock.advance(2 * 24 * 3600 + 5)
    assert_ok(navixy.post(f"{FLOW}/update", hash=session, flow=draft(id=1234)))
    assert listed_flow(navixy, session, 1234)["modified"] == "2026-01-03T00:00:05Z"
    assert listed_flow(navixy, session, 1235)["modified"] == "2024-02-01T08:00:00Z"


def test_update_keeps_the_flow_in_its_account(navixy):
    owner, other = navixy.login(), navixy.login(OTHER)
    assert_ok(navixy.post(f"{FLOW}/update", hash=owner, flow=draft(id=1234, title="still mine")))
    assert flow_ids(navixy, owner) == OWNER_FLOWS
    assert flow_ids(navixy, other) == {OTHER_FLOW}
    assert_error(read(navixy, other, 1234), 201, 404)


def test_update_without_an_id_is_7_naming_flow_id(navixy):
    body = assert_error(navixy.post(f"{FLOW}/update", hash=navixy.login(), flow=draft()), 7, 400)
    assert "flow.id" in [e["parameter"] for e in body["errors"]]


def test_an_invalid_graph_on_update_is_292_and_leaves_the_flow_unchanged(navixy):
    session = navixy.login()
    before = read_value(navixy, session, 1234)
    flow = draft(id=1234, title="broken", edges=[{"from": 1, "to": 42}])
    body = assert_error(navixy.post(f"{FLOW}/update", hash=session, flow=flow), 292, 400)
    assert [e["node_ids"] for e in body["errors"]] == [[42]]
    assert read_value(navixy, session, 1234) == before


# ---- delete ---------------------------------------------------------------------------------

def test_delete_removes_the_flow(navixy):
    session = navixy.login()
    body = assert_ok(navixy.post(f"{FLOW}/delete", hash=session, flow_id=1234))
    assert body == {"success": True}
    assert flow_ids(navixy, session) == {1235}
    assert_error(read(navixy, session, 1234), 201, 404)
    assert_error(navixy.post(f"{FLOW}/delete", hash=session, flow_id=1234), 201, 404)


def test_a_created_flow_can_be_deleted(navixy):
    session = navixy.login()
    flow_id = create(navixy, session, draft())
    assert_ok(navixy.get(f"{FLOW}/delete", hash=session, flow_id=flow_id))
    assert flow_ids(navixy, session) == OWNER_FLOWS


# ---- credentials ----------------------------------------------------------------------------

ACTIONS = ["list", "read", "create", "update", "delete"]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("credential", ["", "zz", "g" * 32, "a" * 31, None],
                         ids=["empty", "short", "non-hex", "31-chars", "absent"])
def test_a_malformed_or_missing_credential_on_iot_paths_is_3_with_http_400(navixy, action, credential):
    params = {} if credential is None else {"hash": credential}
    assert_error(navixy.post(f"{FLOW}/{action}", flow_id=1234, **params), 3, 400)


@pytest.mark.parametrize("action", ACTIONS)
def test_an_authorization_header_without_nvx_on_iot_paths_is_3(navixy, action):
    session = navixy.login()
    response = navixy.client.post(f"{FLOW}/{action}", json={"flow_id": 1234},
                                  headers={"Authorization": f"Bearer {session}"})
    assert_error(response, 3, 400)


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unknown_credential_on_iot_paths_is_4_with_http_401(navixy, action):
    assert_error(navixy.post(f"{FLOW}/{action}", hash="0123456789abcdef" * 2, flow_id=1234), 4, 401)
    assert 1234 in flow_ids(navixy, navixy.login())


def test_a_logged_out_session_on_iot_paths_is_4_with_http_401(navixy):
    session = navixy.login()
    assert_ok(navixy.post("/v2/user/logout", hash=session))
    assert_error(navixy.post(f"{FLOW}/list", hash=session), 4, 401)


# ---- found bugs -----------------------------------------------------------------------------

@pytest.mark.parametrize("source_ids", [5, [[1]], [{"id": 1}]], ids=["int", "nested-list", "object"])
def test_a_data_source_with_malformed_source_ids_never_makes_list_answer_500(navixy, source_ids):
    session = navixy.login()
    nodes = [{"id": 1, "type": "data_source", "data": {"title": "bad", "source_ids": source_ids}}]
    response = navixy.post(f"{FLOW}/create", hash=session, flow=draft(nodes=nodes, edges=[]))
    assert response.status_code != 500
    listing = navixy.post(f"{FLOW}/list", hash=session)
    assert listing.status_code != 500, listing.get_data(as_text=True)
    assert {f["id"] for f in assert_ok(listing)["list"]} >= OWNER_FLOWS


def test_a_null_source_ids_reads_back_as_an_empty_list(navixy):
    session = navixy.login()
    nodes = [{"id": 1, "type": "data_source", "data": {"title": "none yet", "source_ids": None}}]
    flow_id = create(navixy, session, draft(nodes=nodes, edges=[]))
    assert read_value(navixy, session, flow_id)["nodes"][0]["data"]["source_ids"] == []
