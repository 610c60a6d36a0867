"""CORS for browser front ends: preflights, credentialed requests, refused origins."""
from __future__ import annotations

import pytest

from mockserver.app import create_app
from tests.helpers import OWNER, assert_ok

LOCAL = "http://localhost:5173"


def preflight(client, path="/v2/user/get_info", origin=LOCAL, method="POST",
              headers="authorization, content-type, x-mock-namespace"):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": headers})


def cors_headers(response) -> dict:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


def allowed_headers(response) -> set[str]:
    return {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}


@pytest.fixture
def configured(world):
    return create_app({"CORS_ORIGINS": ["https://app.example.com/", "http://localhost:4200"]},
                      world=world).test_client()


# ---- default: any localhost origin ------------------------------------------------------------

def test_a_preflight_from_localhost_is_answered_with_methods_headers_and_credentials(client):
    response = preflight(client)
    assert response.status_code == 200 and response.get_json() == {"success": True}
    assert response.headers["Access-Control-Allow-Origin"] == LOCAL
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "POST", "PUT", "DELETE", "OPTIONS"}
    assert allowed_headers(response) >= {"authorization", "content-type", "x-mock-namespace",
                                         "x-mock-token"}
    assert "Origin" in response.headers["Vary"]
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_a_preflight_may_ask_for_any_x_mock_header_but_gets_no_other(client):
    response = preflight(client, headers="x-mock-scenario, x-evil")
    assert "x-mock-scenario" in allowed_headers(response)
    assert "x-evil" not in allowed_headers(response)


def test_a_credentialed_request_from_localhost_gets_its_origin_back(client):
    response = client.post("/v2/user/auth", json={"login": OWNER, "password": "owner-password"},
                           headers={"Origin": "http://127.0.0.1:3000", "Cookie": "a=b"})
    assert_ok(response)
    assert response.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:3000"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in response.headers["Vary"]
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"X-Mock-Reason", "Retry-After"} <= exposed


def test_error_answers_carry_cors_headers_too_so_the_page_can_read_the_envelope(client):
    response = client.get("/v2/user/get_info", headers={"Origin": LOCAL})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == LOCAL


def test_x_mock_response_headers_are_exposed(world):
    app = create_app(world=world)

    @app.after_request  # runs before the CORS hook (Flask runs after_request in reverse)
    def add_mock_header(response):
        response.headers["X-Mock-Scenario"] = "demo"
        return response

    response = app.test_client().get("/__mock__/health", headers={"Origin": LOCAL})
    assert "X-Mock-Scenario" in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("origin", ["http://evil.example", "https://localhost:5173",
                                    "http://localhost.evil.example", "http://127.0.0.1.nip.io",
                                    "null"])
def test_another_origin_gets_no_cors_header_at_all(client, origin):
    for response in (preflight(client, origin=origin),
                     client.get("/__mock__/health", headers={"Origin": origin})):
        assert cors_headers(response) == {}, origin
        assert response.status_code == 200


def test_a_request_without_origin_gets_no_cors_header(client):
    assert cors_headers(client.get("/__mock__/health")) == {}


# ---- --cors-origin ------------------------------------------------------------------------------

def test_configured_origins_replace_the_localhost_default(configured):
    assert preflight(configured, origin="https://app.example.com").headers[
        "Access-Control-Allow-Origin"] == "https://app.example.com"
    assert preflight(configured, origin="http://localhost:4200").status_code == 200
    assert cors_headers(preflight(configured, origin=LOCAL)) == {}


def test_star_allows_any_origin_reflected_never_a_literal_star(world):
    client = create_app({"CORS_ORIGINS": ["*"]}, world=world).test_client()
    response = client.get("/__mock__/health", headers={"Origin": "https://anything.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://anything.example"


# ---- with the control token ---------------------------------------------------------------------

def test_a_preflight_to_the_control_plane_needs_no_token_the_request_does(world):
    client = create_app({"CONTROL_TOKEN": "t0k"}, world=world).test_client()
    response = preflight(client, path="/__mock__/state", method="PUT",
                         headers="content-type, x-mock-token")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == LOCAL
    refused = client.put("/__mock__/state", json={}, headers={"Origin": LOCAL})
    assert refused.status_code == 401
    assert refused.headers["Access-Control-Allow-Origin"] == LOCAL  # the page can read why
    ok = client.get("/__mock__/state", headers={"Origin": LOCAL, "X-Mock-Token": "t0k"})
    assert ok.status_code == 200 and ok.headers["Access-Control-Allow-Credentials"] == "true"


def test_a_plain_options_request_is_still_answered_in_json(client):
    response = client.options("/v2/user/auth")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert cors_headers(response) == {}
