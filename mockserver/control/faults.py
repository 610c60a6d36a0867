"""/__mock__/faults: inject delays, Navixy errors and dropped connections into Navixy calls.

Faults belong to the caller's world (X-Mock-Namespace). The rules are in domain/faults.py;
web/guards.py applies them before each /v2/... call.
"""
from __future__ import annotations

from copy import deepcopy

from flask import current_app
from flask.views import MethodView

from .. import schemas as s
from ..domain import errors
from ..web.rpc import NavixyBlueprint, current_world

blp = NavixyBlueprint("mock-faults", __name__, url_prefix="/__mock__",
                      description="Injected faults (not Navixy): delays, errors, dropped "
                                  "connections on matching /v2 calls")
TAG = {"security": []}


_DROP = {"required": ["drop_connection"], "properties": {"drop_connection": {"const": True}}}
_ERROR = [{"required": ["status"]}, {"required": ["code"]}]
# The cross-field rules of domain/faults.new_fault, in JSON Schema, so a fuzzer's "valid"
# fault is one the server accepts: an action does something; a dropped connection has no
# answer; retry_after belongs to an error.
ACTION_RULES = {
    "anyOf": [*_ERROR, _DROP,
              {"required": ["delay_ms"], "properties": {"delay_ms": {"minimum": 1}}}],
    "not": {**_DROP, "anyOf": [*_ERROR, {"required": ["retry_after"]}]},
    "dependentSchemas": {"retry_after": {"anyOf": _ERROR}},
}


def document(spec) -> None:
    """Add ACTION_RULES to the FaultAction schema (apispec cannot derive them)."""
    spec.components.schemas["FaultAction"].update(deepcopy(ACTION_RULES))


@blp.route("/faults")
class FaultCollection(MethodView):
    @blp.response(200, s.FaultList)
    @blp.doc(operationId="mock_faults_list", summary="The caller's world's faults", **TAG)
    def get(self):
        return {"faults": [fault.to_dict() for fault in current_world().faults.list()]}

    @blp.arguments(s.FaultCreateArgs, location="body")
    @blp.response(200, s.FaultId)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="mock_faults_create", summary="Add a fault",
             description="The first matching fault that fires is applied to a /v2 call: "
                         "`delay_ms` (real time, at most 30 s), then an error in the Navixy "
                         "envelope (`code` with the error table's HTTP status, or `status`; "
                         "code 15 / 429 carries `Retry-After`) or `drop_connection`. `times` "
                         "counts down and removes the fault at 0; `probability` draws from the "
                         "world's seeded random source. `drop_connection` needs a server that can "
                         "close a connection without an answer: `mockserver serve --server "
                         "waitress` or gunicorn; the default (granian) refuses it with code 7.",
             **TAG)
    def post(self, args):
        if args["action"].get("drop_connection") and not current_app.config["DROP_CONNECTIONS"]:
            raise errors.InvalidParameters.one(
                "action.drop_connection", "this server cannot close a connection without an "
                "answer (granian); start it with `mockserver serve --server waitress` (or gunicorn)")
        fault = current_world().faults.add(args["match"], args["action"], args.get("times"),
                                           args.get("probability"))
        return {"id": fault.id}

    @blp.response(200, s.Success)
    @blp.doc(operationId="mock_faults_clear", summary="Remove every fault", **TAG)
    def delete(self):
        current_world().faults.clear()
        return {}


@blp.route("/faults/<string:fault_id>")
class FaultItem(MethodView):
    @blp.response(200, s.Success)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="mock_faults_delete", summary="Remove one fault", **TAG)
    def delete(self, fault_id):
        if not current_world().faults.remove(fault_id):
            raise errors.NotFound(f"No fault {fault_id!r}")
        return {}
