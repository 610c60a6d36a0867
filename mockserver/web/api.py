"""The Api subclass and the one place that writes every error as Navixy's envelope."""
from __future__ import annotations

import logging
import re
import threading

from flask import current_app, g, jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from ..domain import errors
from ..domain.conformance import MALFORMED_CODES
from ..schemas import ErrorEnvelope
from .statuses import http_status

log = logging.getLogger("mockserver")

# werkzeug's HTTP errors that a client can trigger, as Navixy errors.
_HTTP_TO_NAVIXY = {
    404: errors.WrongHandler,
    405: errors.WrongMethod,
    413: errors.TooLargeRequest,
    400: errors.WrongRequestFormat,
    415: errors.WrongRequestFormat,
}


class NavixyApi(Api):
    """flask-smorest's Api, writing the OpenAPI document on first use instead of at start-up.

    Documenting the views (marshmallow -> JSON Schema) is a third of create_app(), and a
    server in CI may never be asked for its document. Routes are registered at once; `spec`
    finishes the document (the blueprints' paths, then `finish_document` patches) the first
    time anything reads it: /openapi.json, /docs, `mockserver spec`, strict mode."""

    ERROR_SCHEMA = ErrorEnvelope

    def __init__(self, app, **kwargs) -> None:
        self._undocumented: list = []  # (blueprint, name) registered but not yet in the document
        self._finishers: list = []
        self._documenting = threading.Lock()
        super().__init__(app, **kwargs)

    @property
    def spec(self):
        if self._undocumented or self._finishers:
            with self._documenting:  # requests may ask for /openapi.json at the same time
                while self._undocumented:
                    blp, name = self._undocumented.pop(0)
                    blp.register_views_in_doc(self, self._app, self._spec, name=name,
                                              parameters=None)
                    self._spec.tag({"name": name, "description": blp.description})
                while self._finishers:
                    self._finishers.pop(0)(self._spec)
        return self._spec

    @spec.setter
    def spec(self, value) -> None:  # flask-smorest's _init_spec assigns it
        self._spec = value

    def register_blueprint(self, blp, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name))

    def finish_document(self, patch) -> None:
        """Call patch(spec) once the views are documented (what apispec cannot emit itself)."""
        self._finishers.append(patch)

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, self.handle_http_exception)
        self._app.register_error_handler(errors.NavixyError, navixy_error_response)
        self._app.register_error_handler(Exception, unexpected_error_response)

    def _register_responses(self):
        super()._register_responses()
        # Every Navixy call may answer code 15 (--rate-limit or an injected fault): say that
        # its 429 carries Retry-After.
        self.spec.components.responses_lazy["TOO_MANY_REQUESTS"]["headers"] = {"Retry-After": {
            "description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 0}}}

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        if "messages" in data:  # webargs validation failure
            navixy = errors.InvalidParameters(errors=_flatten(data["messages"]))
        else:
            navixy = _HTTP_TO_NAVIXY.get(error.code, errors.UnexpectedError)()
            if error.code not in _HTTP_TO_NAVIXY:
                log.error("unexpected HTTP error %s on %s %s", error.code, request.method, request.path)
        response = navixy_error_response(navixy)
        # Keep werkzeug's headers (Allow on 405), never its HTML content type.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        if getattr(error, "valid_methods", None):  # a set: its order changes with the process
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response


def navixy_error_response(error: errors.NavixyError):
    g.navixy_code = error.code  # for the per-operation call summary
    body = {"success": False, "status": {"code": error.code, "description": error.description}}
    if error.errors is not None:
        body["errors"] = error.errors
    response = jsonify(body)
    response.status_code = error.http_status or http_status(error.code, request.path)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    if current_app.config.get("EXPLAIN_HEADER"):
        response.headers["X-Mock-Reason"] = mock_reason(error)
    if error.code in MALFORMED_CODES and request.path.startswith("/v2/"):
        _journal_invalid_request(error)
    return response


def _journal_invalid_request(error: errors.NavixyError) -> None:
    """The client sent something malformed: journal exactly what, for the developer to read."""
    from .rpc import current_world  # rpc imports this module's siblings; avoid a cycle

    principal = g.get("principal")
    current_world().journal.record(
        "request_invalid", principal.user.login if principal else None, method=request.method,
        path=request.path, code=error.code, errors=error.errors or [])


def mock_reason(error: errors.NavixyError) -> str:
    """`--explain-header`: for 3 and 4, why the request's credential was refused (rpc.py put it
    on g: missing, malformed, unknown, expired, logged_out, password_changed, revoked,
    session_required); for any other error, its name in snake case (over_quota, not_found)."""
    reason = g.get("credential_reason") if error.code in (3, 4) else None
    return reason or re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def unexpected_error_response(error: Exception):
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return navixy_error_response(errors.UnexpectedError())


def _flatten(messages: dict, prefix: str = "") -> list[dict]:
    """webargs {location: {field: [msg]}} -> [{"parameter": "a.b", "error": msg}], sorted."""
    out: list[dict] = []

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if key == "_schema":  # marshmallow's key for "the object itself": name the object
                    walk(child, path)
                else:
                    walk(child, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list) and node and all(isinstance(m, str) for m in node):
            out.extend({"parameter": path or "body", "error": m} for m in node)
        elif isinstance(node, list):
            for child in node:
                walk(child, path)
        else:
            out.append({"parameter": path or "body", "error": str(node)})

    for location_messages in messages.values():  # drop the webargs location level
        walk(location_messages, prefix)
    return out
