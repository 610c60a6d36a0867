"""create_app(): the Flask app, its world and its routes (the contents page)."""
from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from types import MethodType

from flask import Flask, current_app, g, request, send_from_directory

from .config import Config
from .domain import errors
from .domain.namespaces import Namespaces
from .domain.world import World
from .fixtures import load_fixture


NAMESPACE_HEADER = "X-Mock-Namespace"


@dataclass
class Runtime:
    """What the views reach through app.extensions["mockserver"]."""
    namespaces: Namespaces

    @property
    def world(self) -> World:
        """The default world (no X-Mock-Namespace header)."""
        return self.namespaces.default


class NavixyFlask(Flask):
    """Flask, with ensure_sync's coroutine check made once per function.

    Flask passes every hook and view through ensure_sync on every request (a dozen times per
    Navixy call), and each pass walked inspect.iscoroutinefunction again: ~4% of a call.
    Whether a function is a coroutine function never changes."""

    def ensure_sync(self, func):
        # A bound method is a new object on every access: key on the function under it, which
        # is what iscoroutinefunction inspects anyway.
        key = func.__func__ if type(func) is MethodType else func
        try:
            is_coroutine = _is_coroutine_function(key)
        except TypeError:  # an unhashable callable: no cache
            return super().ensure_sync(func)
        return self.async_to_sync(func) if is_coroutine else func


@functools.lru_cache(maxsize=1024)  # bounded: per-request closures (after_this_request) churn it
def _is_coroutine_function(func) -> bool:
    return inspect.iscoroutinefunction(func)


def create_app(config: dict | None = None, *, world: World | None = None) -> Flask:
    from .control import conformance
    from .control import faults as control_faults
    from .control import inspect as control_inspect
    from .control import routes as control
    from .control import state as control_state
    from .control import token as control_token
    from .domain.journal import DEFAULT_CAP
    from .web import api_key, guards, iot_logic, user
    from .web import cors, strict
    from .web.api import NavixyApi
    from .web.rpc import document_empty_query_values, document_json_query_params

    app = NavixyFlask("mockserver")
    app.config.from_object(Config)
    app.config.update(config or {})
    if world is None:
        world = World(load_fixture(app.config["FIXTURES"]), seed=app.config["SEED"],
                      journal_cap=app.config.get("JOURNAL_CAP", DEFAULT_CAP))
    app.extensions["mockserver"] = Runtime(Namespaces(world.fixture, world))
    if app.config["STATE_FILE"]:  # `serve --state FILE`: the default world starts from it
        control_state.restore_file(world, app.config["STATE_FILE"], app.config["SIGNING_KEY"])

    strict.install(app)  # first after_request registered = the last one run (Flask reverses)
    api = NavixyApi(app)
    for blueprint in (user.blp, api_key.blp, iot_logic.blp, control.blp, conformance.blp,
                      control_inspect.blp, control_faults.blp, control_state.blp):
        api.register_blueprint(blueprint)
    # What apispec cannot emit from marshmallow fields, patched into the finished document
    # (written on first use: web/api.py).
    for patch in (control_faults.document, document_json_query_params, document_empty_query_values):
        api.finish_document(patch)
    cors.install(app)  # first: a CORS preflight skips every other hook
    app.before_request(_refuse_oversized_query)
    app.before_request(control_token.require_control_token)  # before a namespace is made
    app.before_request(_pick_world)
    guards.install(app)  # faults, then the per-IP rate limit, on /v2 calls only
    app.after_request(_options_in_json)
    app.after_request(conformance.record_call)
    _serve_swagger_assets(app)
    app.wsgi_app = _NormalisePath(app.wsgi_app)
    strict.build(app, api)  # strict mode: once, from the finished document
    return app


# The hooks run on every request. They read the request, app and g through
# _get_current_object() (one context variable read): an attribute read on Flask's proxies goes
# through a failed lookup and __getattr__ first, ~6x slower, and there were ~40 a call.

def _refuse_oversized_query() -> None:
    # The same 1 MiB as bodies: GET carries every parameter in the query string.
    query = request._get_current_object().query_string
    if len(query) > current_app._get_current_object().config["MAX_CONTENT_LENGTH"]:
        raise errors.TooLargeRequest()


def _pick_world() -> None:
    runtime = current_app._get_current_object().extensions["mockserver"]
    name = request._get_current_object().headers.get(NAMESPACE_HEADER)
    g._get_current_object().world = runtime.namespaces.world(name)


def _options_in_json(response):
    # Flask answers OPTIONS itself with an empty HTML body; every answer here is JSON.
    if request._get_current_object().method == "OPTIONS" and not response.get_data():
        response.set_data(b'{"success": true}')
        response.mimetype = "application/json"
        if "Allow" in response.headers:  # from a set: its order changes with the process
            response.headers["Allow"] = ", ".join(sorted(response.allow))
    return response


def _serve_swagger_assets(app: Flask) -> None:
    from swagger_ui_bundle import swagger_ui_path

    @app.route("/docs/assets/<path:filename>")
    def swagger_asset(filename):
        return send_from_directory(swagger_ui_path, filename)


NAMESPACE_PREFIX = "/__ns__/"


class _NormalisePath:
    """Two path forms map onto the same routes:

    - a trailing slash (Navixy's examples use both /v2/user/auth and /v2/user/auth/);
    - /__ns__/NAME/... selects namespace NAME like the X-Mock-Namespace header, so a client
      under test needs only a base URL (what the pytest plugin hands out).
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(NAMESPACE_PREFIX):
            name, _, rest = path[len(NAMESPACE_PREFIX):].partition("/")
            environ["HTTP_X_MOCK_NAMESPACE"] = name
            path = "/" + rest
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        environ["PATH_INFO"] = path
        return self.wsgi_app(environ, start_response)
