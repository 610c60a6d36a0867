"""Navixy's RPC style on flask-smorest: every action answers GET (query) and POST (JSON or
form body), documented as two operations that share one handler.

Order inside a call: resolve the credential (3/4), then validate parameters (7), then the
rule. The world's lock is held for the whole call, so a rule sees a consistent world.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Callable

from flask import current_app, g, jsonify, request
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
        return _action_params(_sent(req, "query"), schema)


def _sent(req, location: str):
    """What the client sent for `location`: the query string, or the body; a POST without a
    body takes its parameters from the query string."""
    return (request_body() or req.args) if location == "body" else req.args


def _only_credential(params) -> bool:
    """Nothing sent but `hash`, if even that: the usual call."""
    return params.keys() <= {"hash"}


def _action_params(params, schema):
    """A request's parameters but `hash`: that is the credential (a security scheme), read by
    credentials.py before the parameters; the body schemas declare it only to document it."""
    if _only_credential(params):
        return {}
    if isinstance(params, MultiDict):  # query string or form
        return MultiDictProxy(
            MultiDict([(k, v) for k, v in params.items(multi=True) if k != "hash"]), schema)
    return {k: v for k, v in params.items() if k != "hash"}  # a JSON object


parser = NavixyParser()


@parser.location_loader("body")
def load_body(req, schema):
    return _action_params(_sent(req, "body"), schema)


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
    # _get_current_object(): see the hooks in app.py (this runs three times a call).
    return g._get_current_object().get("world") or current_app.extensions["mockserver"].world


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
        # One schema instance per operation: given a class, webargs builds one per request.
        args_schema = schema()
        view = _view(credential, handler, args_schema, location)
        doc = {"operationId": f"{name}_{method}", "summary": summary,
               "description": description, "security": security}
        if links and method in links:
            doc["responses"] = {200: {"links": links[method]}}
        view._apidoc = _apidoc(blp, args_schema, location, result, error_statuses, doc)
        view._apidoc["form_body"] = form_body
        if not form_body and method == "post":
            UNDOCUMENTED_FORM_BODIES.add(doc["operationId"])
        views[method] = view
    # One view instance for all requests (they keep no state): Flask would build one per call.
    blp.route(rule)(type(name, (MethodView,), {**views, "init_every_request": False}))


_RESPONSE_NAMES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 402: "PAYMENT_REQUIRED",
                   403: "FORBIDDEN", 404: "NOT_FOUND", 412: "PRECONDITION_FAILED",
                   429: "TOO_MANY_REQUESTS"}


def _view(credential: str | None, handler: Handler, args, location: str):
    """One Navixy call: the credential (3/4) under the world's lock, the rate limit, the
    parameters (7), then the rule; its result is the answer."""
    def view(self):
        world = current_world()
        with world.store.lock:
            principal = None if credential is None else _authenticate(
                world, sessions_only=credential == SESSION)
            g._get_current_object().principal = principal  # for request_invalid (web/api.py)
            _limit_rate(world, principal)
            req = request._get_current_object()
            if args.empty_loads_empty and _only_credential(_sent(req, location)):
                # Nothing sent but the credential, to a schema that loads nothing as {}
                # (schemas.Args): webargs would take ~5% of the call to say the same
                # (tests/api/test_hot_path_shortcuts.py checks that it does).
                params = {}
            else:  # webargs, as flask-smorest's @arguments would call it (see _apidoc)
                params = parser.parse(args, req, location=location)
            return jsonify({"success": True, **handler(world, principal, params)})
    return view


def _apidoc(blp: NavixyBlueprint, args, location: str, result, error_statuses, doc) -> dict:
    """The spec of one operation, as flask-smorest's decorators record it on a view.

    The view itself is not wrapped in them: at run time they only pass its ready Response
    through (the result schema documents it; dumping through marshmallow again cost ~20% of a
    call), and their five to seven layers, each a call, a proxy lookup and an ensure_sync,
    cost ~9%. So they decorate a stand-in, and the view calls webargs' parser itself, as
    @arguments does (same parser, schema instance and location)."""
    def stand_in(self, params):
        raise AssertionError("documentation only")
    documented = blp.arguments(args, location=location)(stand_in)
    documented = blp.response(200, result)(documented)
    for status in (400, *error_statuses, 429):  # 429: --rate-limit, or an injected fault
        documented = blp.alt_response(status, response=_RESPONSE_NAMES[status])(documented)
    return blp.doc(**doc)(documented)._apidoc


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
    if principal is None:
        return
    limit = current_app._get_current_object().config.get("RATE_LIMIT")
    if limit:
        world.rate_limiter.hit_principal(principal, world.clock.now(), limit)


_BODY_SCHEMAS: dict = {}


def _with_hash(schema_cls, *, ignored: bool):
    """The POST body variant of an argument schema: it may carry the credential as `hash`."""
    if schema_cls not in _BODY_SCHEMAS:
        name = schema_cls.__name__.removesuffix("Args") + "Body"
        field = ignored_hash_field() if ignored else hash_field()
        _BODY_SCHEMAS[schema_cls] = type(name, (schema_cls,), {"hash": field})
    return _BODY_SCHEMAS[schema_cls]
