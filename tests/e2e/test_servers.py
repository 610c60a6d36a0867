"""`mockserver serve --server NAME`: every server gives the same answers as the app itself
(Flask's test client), starts on port 0, stops cleanly, and keeps its own quirks out of them."""
from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from mockserver.app import create_app
from mockserver.serving import DEFAULT, SERVERS
from tests.live import LiveServer

OWNER = {"login": "owner@example.com", "password": "owner-password"}
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MIB = 1024 * 1024


@pytest.fixture(scope="module", params=SERVERS)
def live(request):
    server = LiveServer("--server", request.param)
    server.name = request.param
    yield server
    server.stop()


def raw(url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body bytes) over one fresh connection."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def login(url: str) -> str:
    status, _, body = raw(url, "POST", "/v2/user/auth", json.dumps(OWNER).encode(), JSON)
    assert status == 200
    return json.loads(body)["hash"]


# (method, path, body, headers); HASH in a path, body or header is replaced by a live session.
CALLS = [
    ("GET", "/v2/user/get_info", None, {"Authorization": "NVX HASH"}),
    ("GET", "/v2/user/get_info?hash=HASH", None, {}),
    ("POST", "/v2/user/get_info/", b'{"hash": "HASH"}', JSON),
    ("POST", "/v2/api/key/list", b"hash=HASH", FORM),
    ("GET", "/__ns__/servers-test/v2/user/get_info", None, {"Authorization": "NVX HASH"}),
    ("GET", "/v2/iot/logic/flow/list", None, {"Authorization": "NVX HASH"}),
    ("POST", "/v2/user/auth", b'{"login": "owner@example.com", "password": "nope"}', JSON),
    ("POST", "/v2/user/auth", b'{"login": ', JSON),
    ("GET", "/v2/user/get_info", None, {"Authorization": "NVX " + "0" * 32}),
    ("GET", "/v2/user/get_info", None, {"Authorization": "Bearer x"}),
    ("GET", "/v2/user/get_info?hash=HASH&extra=1", None, {}),
    ("GET", "/v2/no/such/action", None, {}),
    ("DELETE", "/v2/user/get_info", None, {}),
    ("OPTIONS", "/v2/user/get_info", None, {}),
    ("GET", "/v2/user/get_info?hash=" + "a" * 60_000, None, {}),
    ("POST", "/v2/user/get_info", b'{"hash": "' + b"a" * (MIB + 10) + b'"}', JSON),
    ("GET", "/__mock__/health", None, {}),
]
COMPARED_HEADERS = ("content-type", "allow", "retry-after", "access-control-allow-origin")


@pytest.fixture(scope="module")
def app_client():
    return create_app({"STRICT": True}).test_client()


def filled(call, hash_: str):
    method, path, body, headers = call
    return (method, path.replace("HASH", hash_), body and body.replace(b"HASH", hash_.encode()),
            {k: v.replace("HASH", hash_) for k, v in headers.items()})


@pytest.mark.parametrize("call", CALLS, ids=[f"{m} {p[:60]}" for m, p, _, _ in CALLS])
def test_each_server_answers_like_the_app_itself(live, app_client, call):
    method, path, body, headers = filled(call, login(live.url))
    status, got_headers, got = raw(live.url, method, path, body, headers)

    method, path, body, headers = filled(
        call, app_client.post("/v2/user/auth", json=OWNER).get_json()["hash"])
    expected = app_client.open(path, method=method, data=body, headers=headers)
    assert status == expected.status_code
    assert json.loads(got) == expected.get_json()
    for name in COMPARED_HEADERS:
        assert got_headers.get(name) == expected.headers.get(name), name


def test_a_query_string_over_1_mib_is_code_9_except_under_granian(live):
    status, headers, body = raw(live.url, "GET", "/v2/user/get_info?hash=" + "a" * (MIB + 10))
    if live.name == "granian":  # hyper's fixed 64 KiB limit on the request line (README)
        assert status == 414
        return
    assert (status, json.loads(body)["status"]["code"]) == (412, 9)


def test_the_default_server_is_granian():
    assert DEFAULT == "granian"


def test_a_request_variable_in_the_servers_environment_does_not_read_as_a_header():
    # granian builds each request's environ from os.environ: HTTP_X_MOCK_NAMESPACE there would
    # move every call into that namespace.
    for name in SERVERS:
        server = LiveServer("--server", name, env={"HTTP_X_MOCK_NAMESPACE": "leaked",
                                                   "HTTP_AUTHORIZATION": "Bearer leaked"})
        try:
            hash_ = login(server.url)
            status, _, body = raw(server.url, "GET", f"/v2/user/get_info?hash={hash_}")
            assert (status, json.loads(body)["success"]) == (200, True), name
            _, _, body = raw(server.url, "GET", "/__mock__/namespaces")
            assert json.loads(body) == {"namespaces": []}, name
        finally:
            assert server.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_each_server_stops_with_exit_0_on_a_signal(live, sig):
    server = LiveServer("--server", live.name)
    assert server.stop(sig) == 0


def test_each_server_reports_a_taken_port_with_exit_1(live):
    port = urlsplit(live.url).port
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--server", live.name,
                             "--port", str(port)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "mockserver:" in result.stderr and str(port) in result.stderr
    assert "listening on" not in result.stdout


def test_drop_connection_where_the_server_can_and_code_7_where_it_cannot(live):
    fault = {"match": {"path": "/v2/user/auth"}, "action": {"drop_connection": True}, "times": 1}
    status, _, body = raw(live.url, "POST", "/__mock__/faults", json.dumps(fault).encode(), JSON)
    if live.name == "granian":
        answer = json.loads(body)
        assert (status, answer["status"]["code"]) == (400, 7)
        assert "--server waitress" in answer["errors"][0]["error"]
        return
    assert status == 200
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        raw(live.url, "POST", "/v2/user/auth", json.dumps(OWNER).encode(), JSON)
    assert login(live.url)  # and it serves on


def test_the_first_call_leaves_no_trace_of_the_warm_up(live):
    server = LiveServer("--server", live.name)
    try:
        _, _, body = raw(server.url, "GET", "/__mock__/namespaces")
        assert json.loads(body) == {"namespaces": []}
        _, _, body = raw(server.url, "GET", "/__mock__/journal")
        assert json.loads(body)["events"] == []
    finally:
        server.stop()


def test_an_unbindable_host_is_exit_1_not_a_traceback():
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--host", "192.0.2.1",
                             "--port", "0"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_granian_with_threads_serves_other_calls_while_a_delay_fault_holds_one():
    server = LiveServer("--server", "granian", "--threads", "2")
    try:
        fault = {"match": {"path": "/v2/user/auth"}, "action": {"delay_ms": 3000}, "times": 1}
        assert raw(server.url, "POST", "/__mock__/faults", json.dumps(fault).encode(), JSON)[0] == 200
        delayed = threading.Thread(target=login, args=(server.url,))
        delayed.start()
        try:
            time.sleep(0.2)  # let the delayed call reach the server first
            assert raw(server.url, "GET", "/__mock__/health")[0] == 200
            assert delayed.is_alive()  # answered while the delayed call still waits
        finally:
            delayed.join(timeout=10)
    finally:
        server.stop()


def test_a_killed_granian_main_process_leaves_no_worker_serving():
    server = LiveServer("--server", "granian")
    url = server.url
    server.process.kill()  # SIGKILL: the main process cannot stop its worker itself
    server.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            raw(url, "GET", "/__mock__/health")
        except OSError:
            break  # the port no longer answers: the worker is gone
        time.sleep(0.1)
    else:
        pytest.fail("the orphaned worker still serves after 10 s")
