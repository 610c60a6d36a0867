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
    req = request._get_current_object()  # not the proxy: see the hooks in app.py
    rule = req.url_rule
    if rule is not None and rule.rule.startswith("/v2/") and req.method in ("GET", "POST"):
        code = g._get_current_object().get("navixy_code")
        current_world().calls.record(f"{req.method} {rule.rule}", code)
    return response


@blp.route("/conformance")
class Conformance(MethodView):
    @blp.response(200, s.ConformanceReport)
    @blp.doc(operationId="mock_conformance", security=[],
             summary="Calls per operation: count, ok, invalid (codes 5/7), codes returned")
    def get(self):
        return {"operations": current_world().calls.summary()}
