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
        self.operations = {(path, method.upper()) for path, ops in spec.get("paths", {}).items()
                           for method in ops if isinstance(ops[method], dict)}

    def violations(self, flask_request, response: Response) -> list[str]:
        """What breaks the spec in this exchange ([] when nothing does)."""
        from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse

        openapi_request = _request_adapter()(flask_request)
        found = _errors(self.openapi.validate_response, openapi_request,
                        WerkzeugOpenAPIResponse(response), what="response")
        if response.status_code == 200:  # a 200 for a request the spec refuses: the fake is lax
            found += _errors(self.openapi.validate_request, openapi_request, what="request")
        return found


def install(app: Flask) -> None:
    """Register the hook. Call before any other after_request registration: Flask runs
    after_request functions in reverse order, so the first registered runs last."""
    app.after_request(check_response)


def build(app: Flask, spec) -> None:
    """Once, at app creation, from the finished apispec document (api.spec)."""
    if app.config.get("STRICT"):
        app.extensions[_EXTENSION] = Validator(spec.to_dict())


def check_response(response: Response) -> Response:
    validator = current_app.extensions.get(_EXTENSION)
    if validator is None or not _documented(validator):
        return response
    try:
        found = validator.violations(request._get_current_object(), response)
    except Exception as exc:  # a validator crash is a violation too, never a silent pass
        log.exception("strict: validator failed on %s %s", request.method, request.path)
        found = [f"validator error: {type(exc).__name__}: {exc}"]
    if not found:
        return response
    log.error("strict: spec violation on %s %s (HTTP %s): %s", request.method, request.path,
              response.status_code, "; ".join(found))
    return _replace(response, found)


def _documented(validator: Validator) -> bool:
    if request.method in _SKIPPED_METHODS or request.path in _SKIPPED_PATHS:
        return False
    if request.path.startswith(_SKIPPED_PREFIXES) or request.url_rule is None:
        return False
    template = _FLASK_PARAM.sub(r"{\1}", request.url_rule.rule)
    return (template, request.method) in validator.operations


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
    """openapi-core's view of the Flask request, with two of the fake's documented ways that
    OpenAPI cannot express:

    - Flask's adapter reads get_data(), empty once a form body was parsed: the form is encoded
      back for the validator;
    - a `hash` in the JSON or form body is the credential (the HashQuery scheme's description:
      it "also works and wins over query and header"). OpenAPI has no body-located apiKey, so
      for the security check it is shown to the validator as the query `hash`.
    """
    from openapi_core.contrib.flask import FlaskOpenAPIRequest
    from werkzeug.datastructures import ImmutableMultiDict

    from .body import request_body

    class NavixyRequest(FlaskOpenAPIRequest):
        def __init__(self, flask_request):
            super().__init__(flask_request)
            query = self.parameters.query
            if "hash" not in query:
                try:
                    body = request_body()
                except Exception:  # unreadable body: the app already answered it
                    body = {}
                if isinstance(body.get("hash") if hasattr(body, "get") else None, str):
                    self.parameters.query = ImmutableMultiDict(
                        [*query.items(multi=True), ("hash", body["hash"])])

        @property
        def body(self):
            data = self.request.get_data(cache=True)
            if not data and self.request.mimetype == "application/x-www-form-urlencoded":
                return urlencode(list(self.request.form.items(multi=True))).encode()
            return data

    return NavixyRequest
