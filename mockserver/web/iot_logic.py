"""/v2/iot/logic/flow/*: the caller's account's flows. Here code 4 is HTTP 401 and 201 is 404."""
from __future__ import annotations

from .. import schemas as s
from ..domain import flows
from ..domain.model import Flow
from ..formats import iso_date
from .rpc import ANY, NavixyBlueprint, operation

blp = NavixyBlueprint("iot_logic", __name__, description="IoT Logic flows: /v2/iot/logic/flow/*")


def flow_info(flow: Flow) -> dict:
    return {"id": flow.id, "title": flow.title, "description": flow.description,
            "enabled": flow.enabled, "modified": iso_date(flow.modified),
            "devices_count": flow.devices_count}


def flow_out(flow: Flow) -> dict:
    return {"id": flow.id, "title": flow.title, "description": flow.description,
            "enabled": flow.enabled, "nodes": flow.nodes,
            "edges": flow.edges}


def list_(world, principal, _p):
    return {"list": [flow_info(f) for f in flows.list_flows(world, principal)]}


def read(world, principal, p):
    return {"value": flow_out(flows.read(world, principal, p["flow_id"]))}


def create(world, principal, p):
    return {"id": flows.create(world, principal, p["flow"]).id}


def update(world, principal, p):
    return {"id": flows.update(world, principal, p["flow"]).id}


def delete(world, principal, p):
    flows.delete(world, principal, p["flow_id"])
    return {}


READ_LINK = {"post": {"ReadFlow": {
    "operationId": "iot_logic_flow_read_post",
    "requestBody": {"hash": "$request.body#/hash", "flow_id": "$response.body#/list/0/id"}}}}
NOT_FOUND = " Unknown or another account's flow: 201 (HTTP 404)."
INVALID = " An invalid graph (duplicate node ids, an edge to a missing node) gets 292."

operation(blp, "/v2/iot/logic/flow/list", name="iot_logic_flow_list",
          summary="The account's flows", args=s.NoArgs, result=s.FlowListResult,
          credential=ANY, handler=list_, error_statuses=(401,), links=READ_LINK)
operation(blp, "/v2/iot/logic/flow/read", name="iot_logic_flow_read", summary="One flow",
          description=NOT_FOUND.strip(), args=s.FlowIdArgs, result=s.FlowReadResult,
          credential=ANY, handler=read, error_statuses=(401, 404))
operation(blp, "/v2/iot/logic/flow/create", name="iot_logic_flow_create",
          summary="Create a flow", description=INVALID.strip() + " GET and form clients send "
          "`flow` as JSON text.", args=s.FlowCreateArgs, result=s.IdResult, credential=ANY,
          handler=create, error_statuses=(401,), form_body=False)
operation(blp, "/v2/iot/logic/flow/update", name="iot_logic_flow_update",
          summary="Replace a flow (full object with id)", description=(NOT_FOUND + INVALID).strip(),
          args=s.FlowUpdateArgs, result=s.IdResult, credential=ANY, handler=update,
          error_statuses=(401, 404), form_body=False)
operation(blp, "/v2/iot/logic/flow/delete", name="iot_logic_flow_delete", summary="Delete a flow",
          description=NOT_FOUND.strip(), args=s.FlowIdArgs, result=s.Success, credential=ANY,
          handler=delete, error_statuses=(401, 404))
