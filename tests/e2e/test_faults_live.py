"""Faults and the rate limit on a real `mockserver serve --server waitress` (it can drop a
connection; granian, the default, cannot: tests/e2e/test_servers.py): what a client sees."""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.live import LiveServer

AUTH = {"login": "owner@example.com", "password": "owner-password"}


def call(url: str, method: str = "POST", body: dict | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.load(error)


@pytest.fixture(scope="module")
def server():
    live = LiveServer("--server", "waitress")
    yield live
    live.stop()


def test_drop_connection_closes_the_socket_without_an_answer_and_the_server_serves_on(server):
    status, _, _ = call(f"{server.url}/__mock__/faults", body={
        "match": {"path": "/v2/user/auth"}, "action": {"drop_connection": True}, "times": 1})
    assert status == 200
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("POST", "/v2/user/auth", body=json.dumps(AUTH),
                       headers={"Content-Type": "application/json"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()
    connection.close()
    status, _, body = call(f"{server.url}/v2/user/auth", body=AUTH)
    assert (status, body["success"]) == (200, True)
    assert server.process.poll() is None


def test_a_delayed_429_fault_arrives_with_retry_after(server):
    call(f"{server.url}/__mock__/faults", body={
        "match": {"path": "/v2/user/auth", "method": "POST"},
        "action": {"delay_ms": 50, "code": 15, "retry_after": 4}, "times": 1})
    status, headers, body = call(f"{server.url}/v2/user/auth", body=AUTH)
    assert (status, body["status"]["code"], headers["Retry-After"]) == (429, 15, "4")


def fired(url: str, n: int = 20) -> list[int]:
    call(f"{url}/__mock__/faults", body={"match": {"path": "/v2/user/auth"}, "action": {"code": 6},
                                         "probability": 0.5})
    return [call(f"{url}/v2/user/auth", body=AUTH)[0] for _ in range(n)]


def test_serve_with_the_same_seed_repeats_the_same_faults():
    servers = [LiveServer("--seed", "5"), LiveServer("--seed", "5")]
    try:
        first, second = (fired(s.url) for s in servers)
        assert first == second and set(first) == {200, 500}
    finally:
        for live in servers:
            live.stop()


def test_serve_with_a_rate_limit_answers_429_past_n_per_second():
    live = LiveServer("--rate-limit", "2")
    try:
        # The clock runs in real time here: 10 quick calls span at most two windows of 2.
        answers = [call(f"{live.url}/v2/user/get_info")[:2] for _ in range(10)]
        limited = [headers for status, headers in answers if status == 429]
        assert limited and all(h["Retry-After"] == "1" for h in limited)
        assert call(f"{live.url}/__mock__/health", method="GET")[0] == 200
    finally:
        live.stop()


def test_serve_refuses_a_rate_limit_below_1():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--rate-limit", "0"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "--rate-limit" in result.stderr


def test_the_pytest_plugins_fault_helper_faults_only_this_tests_namespace(navixy_mock, navixy_mock_server):
    navixy_mock.fault("/v2/user/auth", code=15, retry_after=2, times=1)
    status, headers, body = call(f"{navixy_mock.url}/v2/user/auth", body=AUTH)
    assert (status, body["status"]["code"], headers["Retry-After"]) == (429, 15, "2")
    assert call(f"{navixy_mock_server}/v2/user/auth", body=AUTH)[0] == 200  # the default world
    assert navixy_mock.login(AUTH["login"], AUTH["password"])  # times=1: gone
