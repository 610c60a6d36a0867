"""Strict mode (`serve --strict`, config STRICT): every answer of a documented operation is
checked against the app's own OpenAPI document with openapi-core (mockserver/web/strict.py)."""
import json

import pytest
import requests

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.control import routes
from mockserver.web import strict
from tests.helpers import OWNER, PASSWORDS
from tests.live import LiveServer

HEADER = "X-Mock-Spec-Violation"


@pytest.fixture
def broken_clock(monkeypatch):
    """GET /__mock__/clock answers {}: its documented ClockState requires `now`."""
    monkeypatch.setattr(routes, "_clock_state", lambda: {})


def assert_violation(response, where: str, text: str) -> dict:
    assert response.status_code == 500
    body = response.get_json()
    assert body["success"] is False
    assert body["status"] == {"code": 6, "description": "Unexpected error"}
    assert [e["parameter"] for e in body["errors"]] == [where]
    assert text in body["errors"][0]["error"]
    header = response.headers[HEADER]
    assert text in header and "\n" not in header and len(header) <= 200
    return body


def test_a_response_that_breaks_the_spec_becomes_code_6_with_the_violation(world, broken_clock,
                                                                            caplog):
    client = create_app({"STRICT": True}, world=world).test_client()
    with caplog.at_level("ERROR", logger="mockserver"):
        response = client.get("/__mock__/clock")
    assert_violation(response, "response", "'now' is a required property")
    assert any("strict: spec violation on GET /__mock__/clock" in r.getMessage()
               for r in caplog.records)


def test_the_replaced_response_keeps_the_cors_headers(world, broken_clock):
    client = create_app({"STRICT": True}, world=world).test_client()
    response = client.get("/__mock__/clock", headers={"Origin": "http://localhost:3000"})
    assert response.status_code == 500
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert HEADER in response.headers["Access-Control-Expose-Headers"]


def test_a_200_for_a_request_the_spec_refuses_is_flagged(world):
    """The fake laxer than its spec: here the spec is tightened (explain's `?hash=` may not be
    empty), the app still answers 200."""
    app = create_app({"STRICT": True}, world=world)
    document = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    for param in document["paths"]["/__mock__/explain"]["get"]["parameters"]:
        param.pop("allowEmptyValue", None)
    app.extensions["mockserver.strict"] = strict.Validator(document)
    response = app.test_client().get("/__mock__/explain?hash=")
    assert_violation(response, "request", "cannot be empty")


def test_a_refused_invalid_request_is_no_violation(client):
    response = client.post("/v2/user/auth", json={"login": OWNER})  # no password
    assert response.status_code == 400 and HEADER not in response.headers
    assert response.get_json()["status"]["code"] == 7


@pytest.mark.lenient
def test_normal_calls_pass_untouched(world):
    """The same calls on one world through a strict and a lenient app: identical answers."""
    strict_client = create_app({"STRICT": True}, world=world).test_client()
    lenient_client = create_app({"STRICT": False}, world=world).test_client()
    login = {"login": OWNER, "password": PASSWORDS[OWNER]}
    session = strict_client.post("/v2/user/auth", json=login).get_json()["hash"]
    in_query = strict_client.post("/v2/user/auth", query_string=login)  # parameters in the query
    assert in_query.status_code == 200 and HEADER not in in_query.headers
    calls = [("get", "/v2/user/get_info", {"query_string": {"hash": session}}),
             ("post", "/v2/user/get_info", {"json": {"hash": session}}),
             ("post", "/v2/user/get_info", {"data": {"hash": session}}),
             ("post", "/v2/user/get_info", {"query_string": {"hash": session}}),
             ("get", "/v2/iot/logic/flow/list", {"headers": {"Authorization": f"NVX {session}"}}),
             ("get", "/v2/user/get_info", {}),  # code 3
             ("put", "/__mock__/clock", {"data": '{"now": "2026-01-01T00:00:00Z"}',
                                         "content_type": "text/plain"}),  # read as JSON
             ("get", "/__mock__/explain", {"query_string": {"hash": ""}}),
             ("get", "/__mock__/health", {}), ("get", "/__mock__/clock", {})]
    for method, path, kwargs in calls:
        response = getattr(strict_client, method)(path, **kwargs)
        lenient = getattr(lenient_client, method)(path, **kwargs)
        assert response.status_code in (200, 400), (path, response.get_json())
        assert HEADER not in response.headers
        assert (response.status_code, response.get_json(), sorted(response.headers.items())) == (
            lenient.status_code, lenient.get_json(), sorted(lenient.headers.items()))


@pytest.mark.parametrize("method, path", [
    ("get", "/openapi.json"), ("get", "/docs"), ("get", "/no/such/path"),
    ("head", "/__mock__/clock"), ("options", "/__mock__/clock")])
def test_skipped_answers(world, broken_clock, method, path):
    response = getattr(create_app({"STRICT": True}, world=world).test_client(), method)(path)
    assert response.status_code != 500 and HEADER not in response.headers


@pytest.mark.lenient
def test_strict_is_off_by_default_and_leaves_a_bad_response_alone(world, broken_clock):
    assert Config.STRICT is False
    response = create_app(world=world).test_client().get("/__mock__/clock")
    assert response.status_code == 200 and response.get_json() == {}
    assert HEADER not in response.headers


def test_the_validator_is_built_once_at_app_creation(world, monkeypatch):
    app = create_app({"STRICT": True}, world=world)
    monkeypatch.setattr(strict, "Validator", None)  # any per-request build would now fail
    assert app.test_client().get("/__mock__/health").status_code == 200


def _live_calls(server: LiveServer) -> None:
    login = {"login": OWNER, "password": PASSWORDS[OWNER]}
    answer = requests.post(f"{server.url}/v2/user/auth", json=login, timeout=10)
    assert answer.status_code == 200 and HEADER not in answer.headers
    session = answer.json()["hash"]
    for path in ("/v2/user/get_info", "/v2/iot/logic/flow/list", "/v2/api/key/list"):
        answer = requests.get(f"{server.url}/__ns__/a{path}/", params={"hash": session}, timeout=10)
        assert HEADER not in answer.headers, answer.text
    answer = requests.post(f"{server.url}/v2/user/get_info", data={"hash": session}, timeout=10)
    assert answer.status_code == 200 and HEADER not in answer.headers, answer.text


@pytest.mark.parametrize("strict_flag", [True, False])
def test_mockserver_serve_strict(strict_flag):
    server = LiveServer(strict=strict_flag)
    try:
        _live_calls(server)
        assert requests.get(f"{server.url}/__mock__/health", timeout=10).json() == {"status": "ok"}
    finally:
        server.stop()
    notice = "strict mode: answers are checked" in server.process.stderr.read()
    assert notice is strict_flag


def test_a_violation_body_is_json_in_navixy_envelope(world, broken_clock):
    response = create_app({"STRICT": True}, world=world).test_client().get("/__mock__/clock")
    assert response.mimetype == "application/json"
    assert set(json.loads(response.get_data())) == {"success", "status", "errors"}
