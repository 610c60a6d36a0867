"""The 20-key limit under concurrent requests, against the real app on a threaded server."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from tests.helpers import PASSWORDS, OWNER

MAX_KEYS = 20
THREADS = 8
TIMEOUT = 10


@pytest.fixture
def base_url(app):
    """The app behind werkzeug's threaded server on a free 127.0.0.1 port, stopped afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def call(base_url: str, path: str, **params) -> tuple[int, dict]:
    """POST a JSON body; (HTTP status, parsed body) for success and error answers alike."""
    request = urllib.request.Request(
        base_url + path, data=json.dumps(params).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def outcome(result: tuple[int, dict]) -> tuple[int, int]:
    """(HTTP status, Navixy code), with code 0 for success."""
    status, body = result
    return status, (0 if body.get("success") else body["status"]["code"])


def login(base_url: str) -> str:
    status, body = call(base_url, "/v2/user/auth", login=OWNER, password=PASSWORDS[OWNER])
    assert status == 200, body
    return body["hash"]


def listed_hashes(base_url: str, session: str) -> list[str]:
    status, body = call(base_url, "/v2/api/key/list", hash=session)
    assert status == 200, body
    return [k["hash"] for k in body["list"]]


def run_at_once(jobs: list) -> list:
    """Run the jobs on THREADS threads released together; the results in job order."""
    results: list = [None] * len(jobs)
    start = threading.Barrier(THREADS)

    def worker(offset: int) -> None:
        start.wait(timeout=TIMEOUT)
        for index in range(offset, len(jobs), THREADS):
            results[index] = jobs[index]()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=4 * TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a request thread hung"
    return results


def test_forty_concurrent_creates_give_exactly_20_keys_and_20_over_quota(base_url):
    session = login(base_url)
    jobs = [lambda i=i: call(base_url, "/v2/api/key/create", hash=session, title=f"race {i}")
            for i in range(40)]
    results = run_at_once(jobs)
    outcomes = [outcome(r) for r in results]
    assert outcomes.count((200, 0)) == MAX_KEYS, outcomes
    assert outcomes.count((402, 268)) == 40 - MAX_KEYS, outcomes
    created = {body["value"]["hash"] for status, body in results if status == 200}
    assert len(created) == MAX_KEYS
    assert set(listed_hashes(base_url, session)) == created


def test_racing_creates_and_deletes_stay_within_the_limit_without_errors(base_url):
    session = login(base_url)
    existing = []
    for i in range(10):
        status, body = call(base_url, "/v2/api/key/create", hash=session, title=f"before {i}")
        assert status == 200, body
        existing.append(body["value"]["hash"])
    creates = [lambda i=i: ("create", call(base_url, "/v2/api/key/create", hash=session, title=f"new {i}"))
               for i in range(30)]
    # Each existing key is deleted twice, through both families: one wins, the other gets 201.
    deletes = [lambda k=k: ("delete", call(base_url, "/v2/api/key/delete", hash=session, key=k))
               for k in existing]
    deletes += [lambda k=k: ("delete", call(base_url, "/v2/user/api_key/delete", hash=session, api_key=k))
                for k in existing]
    jobs = [job for pair in zip(creates, deletes + [None] * len(creates)) for job in pair if job]
    results = run_at_once(jobs)

    outcomes = [(kind, outcome(r)) for kind, r in results]
    assert all(status != 500 for _, (status, _) in outcomes), outcomes
    assert set(outcomes) <= {("create", (200, 0)), ("create", (402, 268)),
                             ("delete", (200, 0)), ("delete", (400, 201))}, outcomes
    assert outcomes.count(("delete", (200, 0))) == len(existing)
    created = {r[1]["value"]["hash"] for kind, r in results if kind == "create" and r[0] == 200}
    final = listed_hashes(base_url, session)
    assert len(final) <= MAX_KEYS
    assert set(final) == created  # every existing key went, every successful create stayed
