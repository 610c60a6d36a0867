"""The Api subclass and the one place that writes every error as Navixy's envelope."""
from __future__ import annotations

import logging

from flask import current_app, jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from ..domain import errors
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
    ERROR_SCHEMA = ErrorEnvelope

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, self.handle_http_exception)
        self._app.register_error_handler(errors.NavixyError, navixy_error_response)
        self._app.register_error_handler(Exception, unexpected_error_response)

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
        return response


def navixy_error_response(error: errors.NavixyError):
    body = {"success": False, "status": {"code": error.code, "description": error.description}}
    if error.errors is not None:
        body["errors"] = error.errors
    response = jsonify(body)
    response.status_code = http_status(error.code, request.path)
    return response


def unexpected_error_response(error: Exception):
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return navixy_error_response(errors.UnexpectedError())


def _flatten(messages: dict, prefix: str = "") -> list[dict]:
    """webargs {location: {field: [msg]}} -> [{"parameter": "a.b", "error": msg}], sorted."""
    out: list[dict] = []

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
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
