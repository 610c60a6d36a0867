"""GET /__mock__/conformance: per-operation call summary of the caller's namespace."""
from __future__ import annotations

from flask import g, request
from flask.views import MethodView

from .. import schemas as s
from ..web.rpc import NavixyBlueprint, current_world

blp = NavixyBlueprint("mock-conformance", __name__, url_prefix="/__mock__",
                      description="What clients sent (not Navixy)")


def record_call(response):
    """after_request: count every Navixy call with the code it got (set by the error mapping)."""
    # Matched routes only: counting raw unknown paths would let a client grow the table forever.
    rule = request.url_rule
    if rule is not None and rule.rule.startswith("/v2/") and request.method in ("GET", "POST"):
        current_world().calls.record(f"{request.method} {rule.rule}", g.get("navixy_code"))
    return response


@blp.route("/conformance")
class Conformance(MethodView):
    @blp.response(200, s.ConformanceReport)
    @blp.doc(operationId="mock_conformance", security=[],
             summary="Calls per operation: count, ok, invalid (codes 5/7), codes returned")
    def get(self):
        return {"operations": current_world().calls.summary()}
