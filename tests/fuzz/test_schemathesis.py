"""schemathesis (CLI, every phase, every check) against a real server started like a user would.

Checks: all built-ins except `ignored_auth`, whose 401/403 demand contradicts Navixy's HTTP 400
for codes 3/4; st_hooks.py adds navixy_auth_enforced (stricter: exact codes), the envelope
check and schema_valid_request_is_not_reported_invalid. See the README's fuzzing section.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "tests" / "fuzz" / "schemathesis.toml"
SPEC = ROOT / "openapi" / "openapi.json"


@pytest.fixture(scope="module")
def server():
    # waitress: the fuzzer's longest GET requests pass 64 KiB, where granian itself answers a
    # bare 414 (README, Servers); tests/e2e/test_servers.py compares granian's answers with
    # the app's own.
    live = LiveServer("--server", "waitress")
    yield live
    live.stop()


def schemathesis(url: str, phases: str, tmp_path: Path, max_time: int) -> subprocess.CompletedProcess:
    cli = Path(sys.executable).with_name("schemathesis")
    env = {**os.environ, "NAVIXY_MOCK_URL": url, "PYTHONPATH": str(ROOT),
           "SCHEMATHESIS_HOOKS": "tests.fuzz.st_hooks"}
    return subprocess.run(
        [str(cli), "--config-file", str(CONFIG), "run", str(SPEC), "--url", url,
         "--phases", phases, "--checks", "all", "--exclude-checks", "ignored_auth",
         "--max-time", str(max_time)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def post(url: str) -> dict:
    request = urllib.request.Request(url, data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def assert_no_failure(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-3000:]


def test_schemathesis_examples_coverage_and_fuzzing_find_no_failure(server, tmp_path):
    assert_no_failure(schemathesis(server.url, "examples,coverage,fuzzing", tmp_path, 180))


def test_schemathesis_stateful_phase_follows_links_without_failure(server, tmp_path):
    post(f"{server.url}/__mock__/reset")  # the fuzzing phase may have deleted the fixture flows
    result = schemathesis(server.url, "stateful", tmp_path, 60)
    assert_no_failure(result)
    assert "API Links:" in result.stdout


def test_server_still_serves_the_fixture_logins_after_fuzzing(server):
    post(f"{server.url}/__mock__/reset")
    request = urllib.request.Request(
        f"{server.url}/v2/user/auth", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"login": "owner@example.com", "password": "owner-password"}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["success"] is True


def test_model_invariants_hold_after_fuzzing(server, tmp_path):
    """The earlier tests end with a reset, so fuzz once more and check whatever state the fuzzer
    leaves behind, unreset: at most 20 keys per account, no live session past 30 idle days or
    older than its user's password change, every key and flow owned by an existing owner."""
    assert_no_failure(schemathesis(server.url, "fuzzing,stateful", tmp_path, 60))
    with urllib.request.urlopen(f"{server.url}/__mock__/invariants", timeout=10) as response:
        assert json.load(response) == {"violations": []}
