"""IoT Logic flows: account-scoped CRUD, 201 for anything not yours, 292 graph checks."""
from __future__ import annotations

import copy

import pytest

from mockserver.domain import errors, flows, keys, sessions
from mockserver.domain.model import Flow
from tests.unit.support import DAY, OTHER_FLOWS, OWNER_FLOWS, START, navixy_error

FIXTURE_MAX_ID = 2001


def draft(**overrides) -> dict:
    """A valid flow/create body, as the schema hands it to the domain."""
    body = {
        "title": "Speeding",
        "description": "Over 90 km/h",
        "enabled": True,
        "nodes": [
            {"id": 1, "type": "data_source", "data": {"title": "Cars", "source_ids": [1, 2]}},
            {"id": 2, "type": "output_endpoint", "data": {"title": "Out"}},
        ],
        "edges": [{"from": 1, "to": 2, "type": "simple_edge"}],
    }
    body.update(overrides)
    return body


def ids(flow_list) -> set[int]:
    return {f.id for f in flow_list}


# ---- list and read -------------------------------------------------------------------------


def test_an_owner_lists_only_its_own_flows(world, owner, other):
    assert ids(flows.list_flows(world, owner)) == OWNER_FLOWS
    assert ids(flows.list_flows(world, other)) == OTHER_FLOWS


def test_a_sub_user_lists_its_masters_flows(world, sub):
    assert ids(flows.list_flows(world, sub)) == OWNER_FLOWS


def test_an_owner_reads_its_flow(world, owner):
    flow = flows.read(world, owner, 1234)
    assert (flow.id, flow.title, flow.enabled) == (1234, "Fleet Data to External System", True)


def test_a_sub_user_reads_its_masters_flow(world, sub):
    assert flows.read(world, sub, 1235).title == "Temperature alerts"


@pytest.mark.parametrize("flow_id", [2001, 999_999, 0, -1])
def test_reading_another_accounts_or_an_unknown_flow_is_201(world, owner, flow_id):
    with navixy_error(201, errors.NotFound):
        flows.read(world, owner, flow_id)


def test_a_sub_user_cannot_read_another_accounts_flow(world, sub):
    with navixy_error(201):
        flows.read(world, sub, 2001)


def test_an_api_key_principal_sees_the_same_flows_as_its_owner(world, owner):
    principal = sessions.authenticate(world, keys.create(world, owner, "k").hash)
    assert ids(flows.list_flows(world, principal)) == OWNER_FLOWS


# ---- create --------------------------------------------------------------------------------


def test_create_assigns_a_new_id_beyond_the_fixture_ids(world, owner):
    flow = flows.create(world, owner, draft())
    assert flow.id > FIXTURE_MAX_ID
    assert ids(flows.list_flows(world, owner)) == OWNER_FLOWS | {flow.id}


def test_each_create_gets_a_distinct_id(world, owner, other):
    created = [flows.create(world, p, draft()).id for p in (owner, other, owner)]
    assert len(set(created)) == 3
    assert created == sorted(created)


def test_a_deleted_flows_id_is_not_handed_out_again(world, owner):
    first = flows.create(world, owner, draft())
    flows.delete(world, owner, first.id)
    assert flows.create(world, owner, draft()).id != first.id


def test_create_stores_the_draft_stamped_with_the_clock(world, clock, owner):
    clock.advance(DAY)
    body = draft()
    flow = flows.create(world, owner, copy.deepcopy(body))
    stored = flows.read(world, owner, flow.id)
    assert (stored.title, stored.description, stored.enabled) == ("Speeding", "Over 90 km/h", True)
    assert (stored.nodes, stored.edges) == (body["nodes"], body["edges"])
    assert stored.modified == clock.now() == START + DAY
    assert stored.owner_id == owner.user.id


def test_enabled_defaults_to_false_and_description_to_none(world, owner):
    body = draft()
    del body["enabled"], body["description"]
    flow = flows.create(world, owner, body)
    assert (flow.enabled, flow.description) == (False, None)


def test_a_sub_users_flow_belongs_to_its_masters_account(world, owner, sub):
    flow = flows.create(world, sub, draft())
    assert flow.owner_id == owner.user.id
    assert flows.read(world, owner, flow.id).id == flow.id


def test_a_created_flow_is_invisible_to_another_account(world, owner, other):
    flow = flows.create(world, owner, draft())
    assert ids(flows.list_flows(world, other)) == OTHER_FLOWS
    with navixy_error(201):
        flows.read(world, other, flow.id)


def test_an_empty_flow_is_valid(world, owner):
    flow = flows.create(world, owner, draft(nodes=[], edges=[]))
    assert (flow.nodes, flow.edges, flow.devices_count) == ([], [], 0)


# ---- update --------------------------------------------------------------------------------


def test_update_replaces_the_flow_and_bumps_modified(world, clock, owner):
    clock.advance(3 * DAY)
    nodes = [{"id": 7, "type": "webhook", "data": {"title": "Hook"}}]
    flows.update(world, owner, {"id": 1234, "title": "Renamed", "nodes": nodes, "edges": []})
    flow = flows.read(world, owner, 1234)
    assert (flow.title, flow.description, flow.enabled) == ("Renamed", None, False)
    assert (flow.nodes, flow.edges) == (nodes, [])
    assert flow.modified == clock.now()
    assert flow.owner_id == owner.user.id


def test_update_keeps_the_flow_in_its_place(world, owner):
    flows.update(world, owner, draft(id=1235))
    assert ids(flows.list_flows(world, owner)) == OWNER_FLOWS


def test_a_sub_user_updates_its_masters_flow(world, owner, sub):
    flows.update(world, sub, draft(id=1234, title="By the sub-user"))
    assert flows.read(world, owner, 1234).title == "By the sub-user"


@pytest.mark.parametrize("flow_id", [2001, 999_999])
def test_updating_another_accounts_or_an_unknown_flow_is_201_and_changes_nothing(world, other, owner, flow_id):
    before = copy.deepcopy(flows.read(world, other, 2001))
    with navixy_error(201, errors.NotFound):
        flows.update(world, owner, draft(id=flow_id, title="Hijacked"))
    assert flows.read(world, other, 2001) == before
    assert 999_999 not in ids(flows.list_flows(world, owner))


def test_updating_an_unknown_flow_with_a_bad_graph_is_still_201(world, owner):
    with navixy_error(201):
        flows.update(world, owner, draft(id=999_999, edges=[{"from": 1, "to": 1}]))


def test_an_update_with_a_bad_graph_is_292_and_changes_nothing(world, clock, owner):
    before = copy.deepcopy(flows.read(world, owner, 1234))
    clock.advance(DAY)
    with navixy_error(292, errors.FlowInvalid):
        flows.update(world, owner, draft(id=1234, edges=[{"from": 1, "to": 99}]))
    assert flows.read(world, owner, 1234) == before


# ---- delete --------------------------------------------------------------------------------


def test_delete_removes_the_flow(world, owner):
    flows.delete(world, owner, 1234)
    assert ids(flows.list_flows(world, owner)) == {1235}
    with navixy_error(201):
        flows.read(world, owner, 1234)


def test_deleting_a_flow_twice_is_201_the_second_time(world, owner):
    flows.delete(world, owner, 1234)
    with navixy_error(201):
        flows.delete(world, owner, 1234)


@pytest.mark.parametrize("flow_id", [2001, 999_999])
def test_deleting_another_accounts_or_an_unknown_flow_is_201_and_the_flow_survives(world, owner, other, flow_id):
    with navixy_error(201, errors.NotFound):
        flows.delete(world, owner, flow_id)
    assert ids(flows.list_flows(world, other)) == OTHER_FLOWS
    assert ids(flows.list_flows(world, owner)) == OWNER_FLOWS


def test_a_sub_user_cannot_delete_another_accounts_flow(world, sub, other):
    with navixy_error(201):
        flows.delete(world, sub, 2001)
    assert ids(flows.list_flows(world, other)) == OTHER_FLOWS


# ---- graph checks (292) --------------------------------------------------------------------


def flow_invalid(world, principal, body) -> list[dict]:
    """Create `body`, expect 292 with nothing stored, return the errors after checking their shape."""
    before = ids(flows.list_flows(world, principal))
    with navixy_error(292, errors.FlowInvalid) as info:
        flows.create(world, principal, body)
    assert ids(flows.list_flows(world, principal)) == before
    problems = info.value.errors
    assert problems, "292 must say what is wrong"
    for problem in problems:
        assert set(problem) == {"node_ids", "parameters", "message"}
        assert problem["node_ids"] and all(isinstance(i, int) for i in problem["node_ids"])
        assert problem["parameters"] and all(isinstance(p, str) for p in problem["parameters"])
        assert isinstance(problem["message"], str) and problem["message"]
    return problems


def test_duplicate_node_ids_are_292(world, owner):
    nodes = draft()["nodes"] + [{"id": 1, "type": "logic", "data": {}}]
    problems = flow_invalid(world, owner, draft(nodes=nodes))
    assert [(p["node_ids"], p["parameters"]) for p in problems] == [([1], ["nodes.2.id"])]


def test_an_edge_to_a_missing_node_is_292(world, owner):
    problems = flow_invalid(world, owner, draft(edges=[{"from": 1, "to": 99}]))
    assert [(p["node_ids"], p["parameters"]) for p in problems] == [([99], ["edges.0.to"])]


def test_an_edge_from_a_missing_node_is_292(world, owner):
    problems = flow_invalid(world, owner, draft(edges=[{"from": 1, "to": 2}, {"from": 42, "to": 2}]))
    assert [(p["node_ids"], p["parameters"]) for p in problems] == [([42], ["edges.1.from"])]


def test_an_edge_without_any_nodes_is_292(world, owner):
    problems = flow_invalid(world, owner, draft(nodes=[], edges=[{"from": 1, "to": 2}]))
    assert sorted(p["node_ids"][0] for p in problems) == [1, 2]


def test_a_self_loop_edge_is_292(world, owner):
    problems = flow_invalid(world, owner, draft(edges=[{"from": 2, "to": 2}]))
    assert [(p["node_ids"], p["parameters"]) for p in problems] == [([2], ["edges.0"])]


def test_every_graph_problem_is_reported_at_once(world, owner):
    nodes = draft()["nodes"] + [{"id": 2, "type": "logic", "data": {}}]
    edges = [{"from": 1, "to": 1}, {"from": 1, "to": 5}]
    problems = flow_invalid(world, owner, draft(nodes=nodes, edges=edges))
    assert sorted(p["parameters"][0] for p in problems) == ["edges.0", "edges.1.to", "nodes.2.id"]


def test_a_graph_that_is_not_a_tree_but_has_no_errors_is_accepted(world, owner):
    nodes = [{"id": i, "type": "logic", "data": {}} for i in (1, 2, 3)]
    edges = [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 1}, {"from": 1, "to": 2}]
    assert flows.create(world, owner, draft(nodes=nodes, edges=edges)).edges == edges


# ---- devices_count -------------------------------------------------------------------------


def test_the_fixture_flows_count_their_devices(world, owner, other):
    counts = {f.id: f.devices_count for f in flows.list_flows(world, owner) + flows.list_flows(world, other)}
    assert counts == {1234: 3, 1235: 2, 2001: 1}


def make_flow(nodes) -> Flow:
    return Flow(id=1, owner_id=1, title="t", description=None, enabled=False, nodes=nodes,
                edges=[], modified=START)


def test_devices_count_counts_distinct_sources_across_data_source_nodes():
    flow = make_flow([
        {"id": 1, "type": "data_source", "data": {"source_ids": [1, 2, 2]}},
        {"id": 2, "type": "data_source", "data": {"source_ids": [2, 3]}},
    ])
    assert flow.devices_count == 3


def test_devices_count_ignores_other_node_types_and_missing_sources():
    flow = make_flow([
        {"id": 1, "type": "logic", "data": {"source_ids": [1, 2]}},
        {"id": 2, "type": "data_source", "data": {}},
        {"id": 3, "type": "data_source", "data": {"source_ids": None}},
        {"id": 4, "type": "data_source"},
        {"id": 5, "type": "data_source", "data": {"source_ids": [9]}},
    ])
    assert flow.devices_count == 1


def test_devices_count_follows_an_update(world, owner):
    nodes = [{"id": 1, "type": "data_source", "data": {"source_ids": [5, 6, 7, 8]}}]
    flows.update(world, owner, draft(id=1234, nodes=nodes, edges=[]))
    assert flows.read(world, owner, 1234).devices_count == 4
