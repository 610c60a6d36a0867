"""The hot path's shortcuts give exactly what the long way gives (they exist only for speed)."""
from __future__ import annotations

import pytest
from flask import request
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

import mockserver.app  # noqa: F401  (registers every operation, so every body schema exists)
from mockserver import schemas
from mockserver.app import NavixyFlask
from mockserver.web.rpc import parser

HASH = "0123456789abcdef0123456789abcdef"


def _all_subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


ARGS_SCHEMAS = sorted(set(_all_subclasses(schemas.Args)), key=lambda c: c.__qualname__)


def test_the_schemas_of_the_hot_path_load_empty_input_as_empty():
    assert schemas.NoArgs().empty_loads_empty and schemas.GetInfoArgs().empty_loads_empty
    assert not schemas.AuthArgs().empty_loads_empty  # required fields


@pytest.mark.parametrize("schema_cls", ARGS_SCHEMAS, ids=lambda c: c.__qualname__)
def test_a_schema_said_to_load_empty_input_as_empty_does(schema_cls):
    """Args.empty_loads_empty lets rpc._view skip webargs and marshmallow for a call that sends
    no parameter: then marshmallow itself must give {}, for a JSON object or a query string."""
    schema = schema_cls()
    if schema.empty_loads_empty:
        assert schema.load({}) == {}
        assert schema.load(MultiDictProxy(MultiDict(), schema)) == {}


@pytest.mark.parametrize("bound", [False, True])
def test_ensure_sync_still_hands_coroutine_functions_to_async_to_sync(monkeypatch, bound):
    """NavixyFlask caches the coroutine check per function, bound methods by their function."""
    app = NavixyFlask("t")
    monkeypatch.setattr(app, "async_to_sync", lambda func: ("wrapped", func))

    class View:
        async def coroutine(self):
            pass

        def plain(self):
            pass

    async def coroutine():
        pass

    def plain():
        pass

    view = View()
    for _ in range(2):  # the second time from the cache
        if bound:
            assert app.ensure_sync(view.coroutine) == ("wrapped", view.coroutine)
            assert app.ensure_sync(view.plain) == view.plain
        else:
            assert app.ensure_sync(coroutine) == ("wrapped", coroutine)
            assert app.ensure_sync(plain) is plain


def _documented_args(app):
    """(path, method, location, args schema) of every Navixy operation, from its _apidoc: the
    very schema instance its view parses with."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/v2/"):
            view_class = app.view_functions[rule.endpoint].view_class
            for method in ("get", "post"):
                (param,) = getattr(view_class, method)._apidoc["arguments"]["parameters"]
                yield rule.rule, method.upper(), param["in"], param["schema"]


@pytest.mark.parametrize("sent", [{}, {"query_string": {"hash": HASH}}, {"json": {"hash": HASH}},
                                  {"data": {"hash": HASH}}, {"data": b"", "content_type": "text/plain"},
                                  {"json": {"hash": HASH}, "query_string": {"hash": HASH}}],
                         ids=["nothing", "query", "json", "form", "empty-body", "json+query"])
def test_webargs_gives_the_views_shortcut_when_only_the_credential_is_sent(module_app, sent):
    """rpc._view skips webargs when the schema loads empty input as {} and nothing but `hash`
    was sent: webargs (loaders, pre_load, validators) must give exactly that {} there."""
    checked = 0
    for path, method, location, args in _documented_args(module_app):
        if not args.empty_loads_empty:
            continue
        if method == "GET" and any(k in sent for k in ("json", "data")):
            continue  # a GET body is ignored
        with module_app.test_request_context(path, method=method, **sent):
            assert parser.parse(args, request._get_current_object(), location=location) == {}
        checked += 1
    assert checked >= 6  # get_info, logout, renew, both key lists, flow list (per method)
