"""IoT Logic flows: account-scoped CRUD and the graph checks that answer 292."""
from __future__ import annotations

from dataclasses import replace

from . import errors
from .model import Flow
from .world import Principal, World

NODE_TYPES = ("data_source", "initiate_attributes", "logic", "action", "webhook", "output_endpoint")
EDGE_TYPES = ("simple_edge", "then_edge", "else_edge")
TITLE_MAX_LENGTH = 255
# Limits of this fake (Navixy documents none): large enough for real flows, small enough that
# one request cannot make a flow that costs megabytes to list.
MAX_NODES = 100
MAX_EDGES = 200
MAX_OBJECT_KEYS = 64


def list_flows(world: World, principal: Principal) -> list[Flow]:
    return world.store.flows_of(principal.account_id)


def read(world: World, principal: Principal, flow_id: int) -> Flow:
    return _own_flow(world, principal, flow_id)


def create(world: World, principal: Principal, draft: dict) -> Flow:
    """draft: title, description, enabled, nodes, edges, already shape-checked by the schema."""
    _check_graph(draft["nodes"], draft["edges"])
    store = world.store
    with store.lock:
        flow = Flow(
            id=store.next_flow_id(), owner_id=principal.account_id, title=draft["title"],
            description=draft.get("description"), enabled=draft.get("enabled", False),
            nodes=_normalised(draft["nodes"]), edges=draft["edges"], modified=world.clock.now())
        store.put_flow(flow)
        world.journal.record("flow_created", principal.user.login, flow_id=flow.id, title=flow.title)
        return flow


def update(world: World, principal: Principal, draft: dict) -> Flow:
    """Replaces the whole flow, as Navixy's flow/update takes the full object."""
    store = world.store
    with store.lock:
        flow = _own_flow(world, principal, draft["id"])
        _check_graph(draft["nodes"], draft["edges"])
        # Records are shared with the fixture (and other worlds): replace, never mutate.
        flow = replace(flow, title=draft["title"], description=draft.get("description"),
                       enabled=draft.get("enabled", False), nodes=_normalised(draft["nodes"]),
                       edges=draft["edges"], modified=world.clock.now())
        store.put_flow(flow)
        world.journal.record("flow_updated", principal.user.login, flow_id=flow.id, title=flow.title)
        return flow


def delete(world: World, principal: Principal, flow_id: int) -> None:
    store = world.store
    with store.lock:
        flow = _own_flow(world, principal, flow_id)
        store.remove_flow(flow_id)
        world.journal.record("flow_deleted", principal.user.login, flow_id=flow_id, title=flow.title)


def _own_flow(world: World, principal: Principal, flow_id: int) -> Flow:
    flow = world.store.flow(flow_id)
    if flow is None or flow.owner_id != principal.account_id:
        raise errors.NotFound()  # another account's flow is indistinguishable from a missing one
    return flow


def _normalised(nodes: list[dict]) -> list[dict]:
    """Navixy returns a data source's null `source_ids` as []."""
    for node in nodes:
        data = node.get("data")
        if node.get("type") == "data_source" and isinstance(data, dict) and data.get("source_ids", []) is None:
            data["source_ids"] = []
    return nodes


def _check_graph(nodes: list[dict], edges: list[dict]) -> None:
    problems: list[dict] = []
    seen: set[int] = set()
    for index, node in enumerate(nodes):
        if node["id"] in seen:
            problems.append({"node_ids": [node["id"]], "parameters": [f"nodes.{index}.id"],
                             "message": f"Node #{node['id']} is defined more than once"})
        seen.add(node["id"])
    for index, edge in enumerate(edges):
        for end in ("from", "to"):
            if edge[end] not in seen:
                problems.append({"node_ids": [edge[end]], "parameters": [f"edges.{index}.{end}"],
                                 "message": f"Node #{edge[end]} is missing, but has a link from edge"})
        if edge["from"] == edge["to"]:
            problems.append({"node_ids": [edge["from"]], "parameters": [f"edges.{index}"],
                             "message": f"Node #{edge['from']} has an edge to itself"})
    if problems:
        raise errors.FlowInvalid(errors=problems)
