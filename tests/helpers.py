"""Shared test helpers: logins from the default fixture and envelope assertions."""
from __future__ import annotations

PASSWORDS = {
    "owner@example.com": "owner-password",
    "subuser@example.com": "subuser-password",
    "other@example.com": "other-password",
    "inactive@example.com": "inactive-password",
}
OWNER, SUBUSER, OTHER, INACTIVE = PASSWORDS
DAY = 24 * 3600
IDLE_LIMIT = 30 * DAY


def describe(response) -> str:
    return f"HTTP {response.status_code}: {response.get_data(as_text=True)[:500]}"


def assert_ok(response) -> dict:
    assert response.status_code == 200, describe(response)
    assert response.mimetype == "application/json", describe(response)
    body = response.get_json()
    assert body["success"] is True, describe(response)
    return body


def assert_error(response, code: int, http: int) -> dict:
    """Navixy's envelope with this code and HTTP status, never 200."""
    assert response.mimetype == "application/json", describe(response)
    body = response.get_json()
    assert (response.status_code, body["status"]["code"]) == (http, code), describe(response)
    assert body["success"] is False
    assert isinstance(body["status"]["description"], str) and body["status"]["description"]
    return body


class NavixyClient:
    """Calls Navixy endpoints on a Flask test client the way integrators do."""

    def __init__(self, client):
        self.client = client

    def post(self, path: str, **params):
        return self.client.post(path, json=params)

    def form(self, path: str, **params):
        return self.client.post(path, data=params)

    def get(self, path: str, **params):
        return self.client.get(path, query_string=params)

    def login(self, login: str = OWNER, password: str | None = None) -> str:
        response = self.post("/v2/user/auth", login=login, password=password or PASSWORDS[login])
        return assert_ok(response)["hash"]

    def create_key(self, session: str, title: str = "key", path: str = "/v2/api/key/create") -> str:
        value = assert_ok(self.post(path, hash=session, title=title))["value"]
        return value if isinstance(value, str) else value["hash"]
