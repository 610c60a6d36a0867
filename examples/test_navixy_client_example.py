"""A complete example of testing a Navixy client with the navixy_mock fixture.

Runs as is: `pytest examples/` (serial) or `pytest -n 4 examples/` (pytest-xdist): every test
has its own namespace, so tests never see each other's sessions, keys or clock.
"""
import json
import urllib.error
import urllib.request

import pytest


class TinyNavixyClient:
    """Stands in for your integration: it only knows a base URL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.hash = None

    def call(self, action: str, **params) -> dict:
        body = json.dumps({**params, **({"hash": self.hash} if self.hash else {})}).encode()
        request = urllib.request.Request(f"{self.base_url}/v2/{action}", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            return json.load(error)

    def log_in(self, login: str, password: str) -> None:
        self.hash = self.call("user/auth", login=login, password=password)["hash"]


@pytest.fixture
def client(navixy_mock):
    client = TinyNavixyClient(navixy_mock.url)
    client.log_in("owner@example.com", "owner-password")
    return client


def test_client_lists_the_fixture_flows(client):
    titles = [f["title"] for f in client.call("iot/logic/flow/list")["list"]]
    assert titles == ["Fleet Data to External System", "Temperature alerts"]


def test_client_sees_a_session_expire_after_30_idle_days(client, navixy_mock):
    navixy_mock.advance(30 * 24 * 3600)
    answer = client.call("user/get_info")
    assert answer["status"]["code"] == 4


@pytest.mark.parametrize("n", range(6))
def test_each_test_can_create_20_keys_because_each_has_its_own_namespace(client, n):
    for i in range(20):
        assert client.call("api/key/create", title=f"key {i}")["success"] is True
    assert client.call("api/key/create", title="one too many")["status"]["code"] == 268


def test_reset_returns_the_namespace_to_the_fixture(client, navixy_mock):
    client.call("iot/logic/flow/delete", flow_id=1234)
    navixy_mock.reset()
    client.log_in("owner@example.com", "owner-password")
    assert len(client.call("iot/logic/flow/list")["list"]) == 2


def test_login_shortcut_returns_a_session_hash(navixy_mock):
    assert len(navixy_mock.login("other@example.com", "other-password")) == 32
