"""pytest plugin (entry point `pytest11`): a Navixy fake per test session, a namespace per test.

    def test_login(navixy_mock):
        hash_ = navixy_mock.login("owner@example.com", "owner-password")
        my_client = MyNavixyClient(base_url=navixy_mock.url)   # the namespace is in the URL

Each test gets its own namespace (its own state and clock), so `pytest -n auto` is safe.
`--navixy-mock-url URL` uses a running server instead of the in-process one.
`--navixy-mock-strict` starts the in-process server in strict mode (`serve --strict`): every
answer is checked against the fake's own OpenAPI document (needs the `strict` extra).
"""
from __future__ import annotations

import itertools
import json
import os
import threading
import urllib.error
import urllib.request

import pytest

_counter = itertools.count()


def pytest_addoption(parser):
    group = parser.getgroup("navixy-mock", "Navixy mock server")
    group.addoption("--navixy-mock-url", default=os.environ.get("NAVIXY_MOCK_URL"),
                    help="use the mock server at this URL instead of starting one in-process")
    group.addoption("--navixy-mock-strict", action="store_true",
                    default=os.environ.get("NAVIXY_MOCK_STRICT", "") not in ("", "0"),
                    help="strict mode for the in-process server: a response that breaks the "
                         "fake's OpenAPI document becomes code 6 / HTTP 500 with an "
                         "X-Mock-Spec-Violation header (env NAVIXY_MOCK_STRICT=1)")


class InProcessServer:
    """waitress in a daemon thread on 127.0.0.1, port chosen by the OS."""

    def __init__(self, app) -> None:
        import waitress

        self._server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
        self.url = f"http://127.0.0.1:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, name="navixy-mock", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.close()
        self._thread.join(timeout=5)


class NavixyMock:
    """One test's view of the fake: its namespace, and shortcuts to the control plane."""

    def __init__(self, server_url: str, namespace: str) -> None:
        self.server_url = server_url
        self.namespace = namespace
        self.url = f"{server_url}/__ns__/{namespace}"  # base URL for the client under test

    def call(self, path: str, **params) -> dict:
        """POST JSON to a Navixy path in this namespace; returns the body (errors too)."""
        return self._request("POST", path, params)[1]

    def login(self, login: str, password: str) -> str:
        status, body = self._request("POST", "/v2/user/auth", {"login": login, "password": password})
        if status != 200:
            raise AssertionError(f"login {login!r} failed: {body}")
        return body["hash"]

    def advance(self, seconds: float) -> str:
        return self._control("POST", "/clock/advance", {"seconds": seconds})["now"]

    def now(self) -> str:
        return self._control("GET", "/clock")["now"]

    def reset(self) -> None:
        self._control("POST", "/reset")

    def journal(self, since: int = 0) -> list[dict]:
        return self._control("GET", f"/journal?since={since}")["events"]

    def explain(self, hash_: str) -> dict:
        return self._control("GET", f"/explain?hash={hash_}")

    def fault(self, path: str, *, times: int | None = None, probability: float | None = None,
              method: str | None = None, login: str | None = None, **action) -> str:
        """Inject a fault, e.g. fault("/v2/user/get_info", code=15, retry_after=2, times=1)."""
        match = {"path": path, **({"method": method} if method else {}),
                 **({"login": login} if login else {})}
        document = {"match": match, "action": action}
        if times is not None:
            document["times"] = times
        if probability is not None:
            document["probability"] = probability
        return self._control("POST", "/faults", document)["id"]

    def drop(self) -> None:
        self._request("DELETE", f"/__mock__/namespaces/{self.namespace}", None, namespaced=False)

    def _control(self, method: str, path: str, body: dict | None = None) -> dict:
        status, answer = self._request(method, f"/__mock__{path}", body)
        if status != 200:
            raise AssertionError(f"{method} /__mock__{path} failed: HTTP {status} {answer}")
        return answer

    def _request(self, method: str, path: str, body: dict | None, namespaced: bool = True):
        data = None if body is None else json.dumps(body).encode()
        base = self.url if namespaced else self.server_url
        request = urllib.request.Request(f"{base}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)


@pytest.fixture(scope="session")
def navixy_mock_server(request):
    """The server URL: --navixy-mock-url, or a fresh in-process server for the session."""
    url = request.config.getoption("--navixy-mock-url")
    if url:
        yield url.rstrip("/")
        return
    from mockserver.app import create_app

    strict = request.config.getoption("--navixy-mock-strict")
    server = InProcessServer(create_app({"STRICT": strict}))
    yield server.url
    server.stop()


@pytest.fixture
def navixy_mock(navixy_mock_server, request) -> NavixyMock:
    """A namespace of its own for this test, dropped afterwards."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    mock = NavixyMock(navixy_mock_server, f"t-{worker}-{os.getpid()}-{next(_counter)}")
    yield mock
    mock.drop()
