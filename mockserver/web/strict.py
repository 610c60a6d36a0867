"""Strict mode (`serve --strict`, config STRICT): the fake checks itself against its own OpenAPI
document at run time, with openapi-core (a kept validator, not a hand-written schema walker).

After every other after_request hook, each answer to a documented operation is validated:

- a response that breaks the spec (body, status, headers) is replaced by HTTP 500 in Navixy's
  envelope (code 6) listing the violation in errors[], with an X-Mock-Spec-Violation header;
- a request that the spec calls invalid but that the app answered 200 (the fake laxer than its
  spec) is flagged the same way.

A refused invalid request (4xx for a request the spec also refuses) is the fake doing its job,
not a violation. Every violation is logged on the "mockserver" logger.
"""
from __future__ import annotations

import functools
import json
import logging
import re
import threading
from urllib.parse import urlencode

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

log = logging.getLogger("mockserver")

HEADER = "X-Mock-Spec-Violation"
_EXTENSION = "mockserver.strict"
_SKIPPED_METHODS = ("HEAD", "OPTIONS")
_SKIPPED_PATHS = ("/openapi.json",)
_SKIPPED_PREFIXES = ("/docs",)
_FLASK_PARAM = re.compile(r"<(?:[a-zA-Z_]+(?:\([^)]*\))?:)?(\w+)>")
_HEADER_MAX = 200

# OpenAPI objects by spec text: tests create an app per test, the document is the same.
_CACHE: dict[str, object] = {}
_CACHE_LOCK = threading.Lock()


class Validator:
    """openapi-core's OpenAPI object for one document, and the operations it documents."""

    def __init__(self, spec: dict) -> None:
        try:
            from openapi_core import OpenAPI
        except ImportError as exc:  # the `strict` extra
            raise RuntimeError("strict mode needs openapi-core: "
                               "pip install 'navixy-mockserver[strict]'") from exc
        key = json.dumps(spec, sort_keys=True)
        with _CACHE_LOCK:
            if key not in _CACHE:
                _CACHE[key] = OpenAPI.from_dict(spec)
            self.openapi = _CACHE[key]
        # (path template, METHOD) -> operationId, of every documented operation
        self.operations = {(path, method.upper()): op.get("operationId") or f"{method} {path}"
                           for path, ops in spec.get("paths", {}).items()
                           for method, op in ops.items() if isinstance(op, dict)}

    def violations(self, flask_request, response: Response, operation_id: str) -> list[str]:
        """What breaks the spec in this exchange ([] when nothing does)."""
        from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse

        from .body import FORM_TYPES
        from .rpc import UNDOCUMENTED_FORM_BODIES

        adapter = _request_adapter()
        found = _errors(self.openapi.validate_response, adapter(flask_request),
                        WerkzeugOpenAPIResponse(response), what="response")
        # A 200 for a request the spec refuses: the fake is laxer than its spec. Except a form
        # body that the operation accepts on purpose without documenting it (rpc.py).
        undocumented_form = (flask_request.mimetype in FORM_TYPES
                             and operation_id in UNDOCUMENTED_FORM_BODIES)
        if response.status_code == 200 and not undocumented_form:
            # A Navixy POST without a body takes its parameters from the query string, exactly
            # like the GET of the same action (rpc.py load_body): check it as that GET.
            as_get = (flask_request.method == "POST" and _empty_body()
                      and (_template(flask_request), "GET") in self.operations)
            found += _errors(self.openapi.validate_request, adapter(flask_request, as_get=as_get),
                             what="request")
        return found


def install(app: Flask) -> None:
    """Register the hook (only in strict mode: it would do nothing else). Call before any
    other after_request registration: Flask runs after_request functions in reverse order, so
    the first registered runs last."""
    if app.config.get("STRICT"):
        app.after_request(check_response)


def build(app: Flask, api) -> None:
    """Once, at app creation, from the finished apispec document (api.spec)."""
    if app.config.get("STRICT"):
        app.extensions[_EXTENSION] = Validator(api.spec.to_dict())


def check_response(response: Response) -> Response:
    validator = current_app.extensions.get(_EXTENSION)
    operation_id = None if validator is None else _operation(validator)
    if operation_id is None:
        return response
    try:
        found = validator.violations(request._get_current_object(), response, operation_id)
    except Exception as exc:  # a validator crash is a violation too, never a silent pass
        log.exception("strict: validator failed on %s %s", request.method, request.path)
        found = [f"validator error: {type(exc).__name__}: {exc}"]
    if not found:
        return response
    log.error("strict: spec violation on %s %s (HTTP %s): %s", request.method, request.path,
              response.status_code, "; ".join(found))
    return _replace(response, found)


def _operation(validator: Validator) -> str | None:
    """The documented operation this request reached (its operationId), else None."""
    if request.method in _SKIPPED_METHODS or request.path in _SKIPPED_PATHS:
        return None
    if request.path.startswith(_SKIPPED_PREFIXES) or request.url_rule is None:
        return None
    return validator.operations.get((_template(request), request.method))


def _template(flask_request) -> str:
    """The OpenAPI path template of the matched Flask rule: /a/<int:x> -> /a/{x}."""
    return _FLASK_PARAM.sub(r"{\1}", flask_request.url_rule.rule)


def _empty_body() -> bool:
    from ..domain.errors import NavixyError
    from .body import request_body

    try:
        return not request_body()
    except (HTTPException, NavixyError):
        return False


def _replace(response: Response, found: list[str]) -> Response:
    """The answer becomes Navixy's code 6 in place, so headers set by earlier hooks (CORS) stay."""
    body = {"success": False, "status": {"code": 6, "description": "Unexpected error"},
            "errors": [{"parameter": _where(v), "error": v} for v in found]}
    response.direct_passthrough = False
    response.set_data(json.dumps(body))
    response.status_code = 500
    response.mimetype = "application/json"
    for stale in ("Retry-After", "ETag", "Content-Disposition"):
        response.headers.pop(stale, None)
    response.headers[HEADER] = _header_text(found)
    return response


def _where(violation: str) -> str:
    return "request" if violation.startswith("request") else "response"


def _header_text(found: list[str]) -> str:
    text = " ".join(found[0].split())  # one line
    text = text.encode("ascii", "replace").decode()
    if len(found) > 1:
        text += f" (+{len(found) - 1} more)"
    return text if len(text) <= _HEADER_MAX else text[:_HEADER_MAX - 3] + "..."


def _errors(check, *args, what: str) -> list[str]:
    from openapi_core.exceptions import OpenAPIError

    try:
        check(*args)
    except OpenAPIError as exc:
        return [f"{what}: {_describe(exc)}"]
    return []


def _describe(exc: BaseException) -> str:
    """openapi-core's message plus the schema errors under it (which field, and why)."""
    text = str(exc) or type(exc).__name__
    details = []
    cause = exc.__cause__
    while cause is not None:
        for error in getattr(cause, "schema_errors", None) or ():
            where = "/".join(str(p) for p in error.absolute_path)
            details.append(f"{error.message} at '{where}'" if where else error.message)
        if not details and str(cause) and str(cause) not in text:
            details.append(str(cause))
        cause = cause.__cause__
    return f"{text}: {'; '.join(details)}" if details else text


@functools.lru_cache(maxsize=None)
def _request_adapter():
    """openapi-core's view of the Flask request, as the fake reads it (web/body.py, rpc.py,
    credentials.py), where that differs in ways OpenAPI cannot express:

    - Flask's adapter reads get_data(), empty once a form body was parsed: the form is encoded
      back for the validator;
    - a body of any other content type is read as JSON (IoT clients post JSON as text/plain):
      the validator is told application/json;
    - a `hash` in the JSON or form body is the credential (the HashQuery scheme's description:
      it "also works and wins over query and header"). OpenAPI has no body-located apiKey, so
      for the security check it is shown to the validator as the query `hash`;
    - as_get: a bodiless POST, checked as the GET of the same action.
    """
    from openapi_core.contrib.flask import FlaskOpenAPIRequest
    from werkzeug.datastructures import ImmutableMultiDict

    from ..domain.errors import NavixyError
    from .body import FORM_TYPES, request_body

    class NavixyRequest(FlaskOpenAPIRequest):
        def __init__(self, flask_request, as_get: bool = False):
            super().__init__(flask_request)
            self.as_get = as_get
            query = self.parameters.query
            if "hash" not in query:
                try:
                    body = request_body()
                except (HTTPException, NavixyError):  # unreadable: the app answered it already
                    body = {}
                if isinstance(body.get("hash"), str):
                    self.parameters.query = ImmutableMultiDict(
                        [*query.items(multi=True), ("hash", body["hash"])])

        @property
        def method(self) -> str:
            return "get" if self.as_get else super().method

        @property
        def content_type(self) -> str:
            mimetype = self.request.mimetype
            if self.as_get or mimetype in FORM_TYPES or self.request.method == "GET":
                return super().content_type
            return "application/json"

        @property
        def body(self):
            if self.as_get:
                return None
            try:
                data = self.request.get_data(cache=True)
            except HTTPException:  # past MAX_CONTENT_LENGTH: the app answered code 9 already
                return b""
            if not data and self.request.mimetype == "application/x-www-form-urlencoded":
                return urlencode(list(self.request.form.items(multi=True))).encode()
            return data

    return NavixyRequest
