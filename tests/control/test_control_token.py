"""--control-token: /__mock__ needs X-Mock-Token (health excepted); 401 with code 11 otherwise."""
from __future__ import annotations

import pytest

from mockserver.app import create_app
from mockserver.control import token as control_token
from tests.helpers import OWNER, NavixyClient, assert_error, assert_ok

TOKEN = "ci-token-1234"
GOOD = {"X-Mock-Token": TOKEN}


@pytest.fixture
def guarded(world):
    return create_app({"CONTROL_TOKEN": TOKEN}, world=world).test_client()


def refused(response) -> dict:
    body = assert_error(response, 11, 401)
    assert "X-Mock-Token" in body["status"]["description"]
    assert TOKEN not in response.get_data(as_text=True)
    return body


@pytest.mark.parametrize("method, path", [
    ("post", "/__mock__/reset"), ("get", "/__mock__/clock"), ("put", "/__mock__/clock"),
    ("post", "/__mock__/clock/advance"), ("get", "/__mock__/state"), ("put", "/__mock__/state"),
    ("get", "/__mock__/namespaces"), ("delete", "/__mock__/namespaces/x"),
    ("get", "/__mock__/no-such-call"), ("get", "/__mock__"),
])
def test_every_control_call_without_the_token_is_401_code_11(guarded, method, path):
    refused(getattr(guarded, method)(path, json={}))


@pytest.mark.parametrize("value", ["", "wrong", TOKEN + "x", TOKEN[:-1], TOKEN.upper(), "é" * 5])
def test_a_wrong_token_is_refused(guarded, value):
    refused(guarded.post("/__mock__/reset", headers={"X-Mock-Token": value}))


def test_the_right_token_opens_the_control_plane(guarded):
    assert_ok(guarded.post("/__mock__/reset", headers=GOOD))
    assert guarded.get("/__mock__/clock", headers=GOOD).status_code == 200
    assert guarded.get("/__mock__/state", headers=GOOD).get_json()["version"] == 1


def test_health_needs_no_token(guarded):
    assert guarded.get("/__mock__/health").get_json() == {"status": "ok"}


def test_the_navixy_api_needs_no_control_token(guarded):
    session = NavixyClient(guarded).login(OWNER)
    assert_ok(guarded.get("/v2/user/get_info", query_string={"hash": session}))


def test_an_unknown_control_path_with_the_token_is_the_usual_404(guarded):
    assert_error(guarded.get("/__mock__/no-such-call", headers=GOOD), 111, 404)


def test_a_refused_call_creates_no_namespace(guarded):
    refused(guarded.get("/__mock__/clock", headers={"X-Mock-Namespace": "intruder"}))
    listing = guarded.get("/__mock__/namespaces", headers=GOOD).get_json()
    assert listing == {"namespaces": []}


def test_without_a_configured_token_no_header_is_needed(client):
    assert_ok(client.post("/__mock__/reset"))


def test_the_token_is_compared_in_constant_time(guarded, monkeypatch):
    seen = []

    def spy(a, b):
        seen.append((a, b))
        return original(a, b)

    original = control_token.hmac.compare_digest
    monkeypatch.setattr(control_token.hmac, "compare_digest", spy)
    assert_ok(guarded.post("/__mock__/reset", headers=GOOD))
    refused(guarded.post("/__mock__/reset", headers={"X-Mock-Token": "nope"}))
    assert seen == [(TOKEN.encode(), TOKEN.encode()), (b"nope", TOKEN.encode())]
