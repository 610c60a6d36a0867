"""Navixy's RPC style on flask-smorest: every action answers GET (query) and POST (JSON or
form body), documented as two operations that share one handler.

Order inside a call: resolve the credential (3/4), then validate parameters (7), then the
rule. The world's lock is held for the whole call, so a rule sees a consistent world.
"""
from __future__ import annotations

import functools
from copy import deepcopy
from typing import Callable

from flask import current_app, g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from ..domain import errors, sessions
from ..domain.world import Principal, World
from ..schemas import hash_field, ignored_hash_field
from .body import request_body
from .credentials import find_credential

ANY = "any"  # a session or an API key
SESSION = "session"  # a session only: an API key gets code 4
SECURITY = [{"NvxHeader": []}, {"HashQuery": []}]


class NavixyParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION: dict = {}  # schema default (RAISE) everywhere: unknown -> 7

    def load_querystring(self, req, schema):
        # `hash` is the credential (a security scheme), not an action parameter.
        return MultiDictProxy(_without_hash(req.args), schema)


def _without_hash(params) -> MultiDict:
    return MultiDict([(k, v) for k, v in params.items(multi=True) if k != "hash"])


parser = NavixyParser()


@parser.location_loader("body")
def load_body(req, schema):
    body = request_body()
    if not body:  # POST with its parameters in the query string
        return MultiDictProxy(_without_hash(req.args), schema)
    return MultiDictProxy(body, schema) if isinstance(body, MultiDict) else body


class NavixyBlueprint(Blueprint):
    ARGUMENTS_PARSER = parser
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "body": "application/json"}

    def _prepare_arguments_doc(self, doc, doc_info, *, api, spec, **kwargs):
        doc = super()._prepare_arguments_doc(doc, doc_info, api=api, spec=spec, **kwargs)
        content = doc.get("requestBody", {}).get("content", {})
        if "application/json" in content and doc_info.get("form_body"):
            content["application/x-www-form-urlencoded"] = deepcopy(content["application/json"])
        return doc


def document_json_query_params(spec) -> None:
    """Object-valued query parameters (IoT `flow`) travel as JSON text: say so with `content`,
    which apispec cannot emit from a marshmallow field."""
    for operations in spec._paths.values():
        for operation_doc in operations.values():
            if not isinstance(operation_doc, dict):  # path-level "parameters" list
                continue
            for param in operation_doc.get("parameters", []):
                schema = param.get("schema", {})
                if param.get("in") == "query" and ("$ref" in schema or schema.get("type") == "object"):
                    param["content"] = {"application/json": {"schema": param.pop("schema")}}


def document_empty_query_values(spec) -> None:
    """`?application=` (empty) is a valid value of a plain string parameter, and the fake takes
    it. OpenAPI 3 forbids an empty query value unless the parameter says allowEmptyValue, which
    apispec cannot emit; validators disagree (openapi-core refuses, schemathesis sends it). Say
    it on every query string parameter whose schema accepts "" (no minLength, pattern, enum or
    format)."""
    for operations in spec._paths.values():
        for operation_doc in operations.values():
            if not isinstance(operation_doc, dict):
                continue
            for param in operation_doc.get("parameters", []):
                schema = param.get("schema", {})
                if (param.get("in") == "query" and schema.get("type") == "string"
                        and not {"minLength", "pattern", "enum", "format"} & schema.keys()):
                    param["allowEmptyValue"] = True


def current_world() -> World:
    """The world of this request's namespace (chosen before the request in app.py)."""
    return g.get("world") or current_app.extensions["mockserver"].world


Handler = Callable[[World, "Principal | None", dict], dict]

# operationIds whose form body is accepted but left out of the spec (`form_body=False`): strict
# mode (web/strict.py) does not call such a request lax.
UNDOCUMENTED_FORM_BODIES: set[str] = set()


def operation(blp: NavixyBlueprint, rule: str, *, name: str, summary: str, args, result,
              credential: str | None, handler: Handler, description: str = "",
              error_statuses: tuple[int, ...] = (), links: dict | None = None,
              form_body: bool = True) -> None:
    """Register `rule` for GET and POST. `links` maps a method ("get"/"post") to OpenAPI links
    on its 200 response. `form_body=False` leaves the form variant out of the spec (it is still
    accepted): fuzzers flatten nested objects in forms instead of sending them as JSON text."""
    security = [] if credential is None else SECURITY
    # Every body may carry `hash`: SDKs attach it to each call, user/auth included (ignored there).
    body_args = _with_hash(args, ignored=credential is None)
    views = {}
    for method, location, schema in (("get", "query", args), ("post", "body", body_args)):
        def view(self, params):
            # A ready response: flask-smorest passes it through, so the result schema only
            # documents it (dumping through marshmallow again cost ~20% of a call).
            return jsonify({"success": True, **handler(current_world(), g.principal, params)})
        # One schema instance per operation: given a class, webargs builds one per request.
        view = blp.arguments(schema(), location=location)(view)
        view = blp.response(200, result)(view)
        for status in (400, *error_statuses, 429):  # 429: --rate-limit, or an injected fault
            view = blp.alt_response(status, response=_RESPONSE_NAMES[status])(view)
        doc = {"operationId": f"{name}_{method}", "summary": summary,
               "description": description, "security": security}
        if links and method in links:
            doc["responses"] = {200: {"links": links[method]}}
        view = blp.doc(**doc)(view)
        view._apidoc["form_body"] = form_body
        if not form_body and method == "post":
            UNDOCUMENTED_FORM_BODIES.add(doc["operationId"])
        views[method] = _credential_first(credential, view)
    blp.route(rule)(type(name, (MethodView,), views))


_RESPONSE_NAMES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 402: "PAYMENT_REQUIRED",
                   403: "FORBIDDEN", 404: "NOT_FOUND", 412: "PRECONDITION_FAILED",
                   429: "TOO_MANY_REQUESTS"}


def _credential_first(credential: str | None, view):
    @functools.wraps(view)
    def wrapper(self, *args, **kwargs):
        world = current_world()
        with world.store.lock:
            g.principal = None if credential is None else _authenticate(
                world, sessions_only=credential == SESSION)
            _limit_rate(world, g.principal)
            return view(self, *args, **kwargs)
    return wrapper


def _authenticate(world: World, *, sessions_only: bool) -> Principal:
    """sessions.authenticate() on the request's credential. On a refusal (3 or 4) the reason
    (missing, malformed, expired, ...) goes on g for the X-Mock-Reason header (web/api.py)."""
    try:
        found = find_credential()
    except errors.WrongHash:  # an Authorization header not of the form `NVX <hash>`
        found = ""  # any non-hash: authenticate() journals it and answers 3 (malformed)
    try:
        return sessions.authenticate(world, found, sessions_only=sessions_only)
    except errors.NavixyError:
        g.credential_reason = sessions.rejection_reason(world, found, sessions_only)
        raise


def _limit_rate(world: World, principal: Principal | None) -> None:
    """`--rate-limit N`: per user (all its sessions) and per API key, once the credential is
    known. The per-IP count runs before the call (web/guards.py)."""
    limit = current_app.config.get("RATE_LIMIT")
    if limit and principal is not None:
        world.rate_limiter.hit_principal(principal, world.clock.now(), limit)


_BODY_SCHEMAS: dict = {}


def _with_hash(schema_cls, *, ignored: bool):
    """The POST body variant of an argument schema: it may carry the credential as `hash`."""
    if schema_cls not in _BODY_SCHEMAS:
        name = schema_cls.__name__.removesuffix("Args") + "Body"
        field = ignored_hash_field() if ignored else hash_field()
        _BODY_SCHEMAS[schema_cls] = type(name, (schema_cls,), {"hash": field})
    return _BODY_SCHEMAS[schema_cls]
