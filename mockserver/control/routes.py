"""Control plane: health, reset, mock clock."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from .. import schemas as s
from ..domain import errors
from ..domain.clock import ClockOutOfRange
from ..formats import iso_date, parse_iso
from ..web.rpc import NavixyBlueprint, current_world

blp = NavixyBlueprint("mock-control", __name__, url_prefix="/__mock__",
                      description="Test controls of the mock server (not Navixy)")
TAG = {"security": []}


def _clock_state() -> dict:
    return {"now": iso_date(current_world().clock.now())}


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, s.Health)
    @blp.doc(operationId="mock_health", summary="Liveness", **TAG)
    def get(self):
        return {"status": "ok"}


@blp.route("/reset")
class Reset(MethodView):
    @blp.response(200, s.Success)
    @blp.doc(operationId="mock_reset", summary="Back to the fixture state and clock", **TAG)
    def post(self):
        current_world().reset()
        return {}


@blp.route("/clock")
class Clock(MethodView):
    @blp.response(200, s.ClockState)
    @blp.doc(operationId="mock_clock_get", summary="The mock clock", **TAG)
    def get(self):
        return _clock_state()

    @blp.arguments(s.ClockSetArgs, location="body")
    @blp.response(200, s.ClockState)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="mock_clock_set", summary="Set the mock clock (ISO 8601)", **TAG)
    def put(self, args):
        try:
            current_world().clock.set(parse_iso(args["now"]))
        except (ValueError, OverflowError) as exc:
            raise errors.InvalidParameters.one("now", str(exc)) from None
        return _clock_state()


@blp.route("/clock/advance")
class ClockAdvance(MethodView):
    @blp.arguments(s.ClockAdvanceArgs, location="body")
    @blp.response(200, s.ClockState)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="mock_clock_advance", summary="Move the mock clock forward", **TAG)
    def post(self, args):
        try:
            current_world().clock.advance(args["seconds"])
        except ClockOutOfRange as exc:
            raise errors.InvalidParameters.one("seconds", str(exc)) from None
        return _clock_state()


@blp.route("/namespaces")
class NamespaceList(MethodView):
    @blp.response(200, s.NamespaceList)
    @blp.doc(operationId="mock_namespaces_list", summary="Namespaces made so far", **TAG)
    def get(self):
        return {"namespaces": current_app.extensions["mockserver"].namespaces.names()}


@blp.route("/namespaces/<string:name>")
class Namespace(MethodView):
    @blp.response(200, s.Success)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="mock_namespaces_drop", summary="Drop a namespace and its world", **TAG)
    def delete(self, name):
        if not current_app.extensions["mockserver"].namespaces.drop(name):
            raise errors.NotFound(f"No namespace {name!r}")
        return {}
