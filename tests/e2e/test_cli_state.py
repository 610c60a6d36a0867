"""`mockserver serve` with --state, --signing-key, --control-token (or its env) and --cors-origin."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests
from itsdangerous import URLSafeSerializer

from mockserver.app import create_app
from mockserver.domain.clock import MockClock
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from tests.conftest import START
from tests.helpers import OWNER
from tests.live import LiveServer

SALT = "navixy-mock-state-v1"


@pytest.fixture(scope="module")
def snapshot_and_session() -> tuple[dict, str]:
    """A snapshot made in-process: a frozen clock, an owner session, a key and a new password."""
    client = create_app(world=World(load_fixture(), MockClock(START, frozen=True))).test_client()
    session = client.post("/v2/user/auth", json={"login": OWNER, "password": "owner-password"}).get_json()["hash"]
    client.post("/v2/api/key/create", json={"hash": session, "title": "from a snapshot"})
    client.post("/__mock__/clock/advance", json={"seconds": 0.25})
    return client.get("/__mock__/state").get_json(), session


@pytest.fixture
def live():
    servers = []

    def start(*args, env=None):
        servers.append(LiveServer(*args, env=env))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def serve_exit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockserver", "serve", "--port", "0", *args],
                          capture_output=True, text=True, timeout=30)


def write(tmp_path, document, name="state.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


# ---- --state ------------------------------------------------------------------------------------

def test_serve_state_starts_from_the_snapshot(live, tmp_path, snapshot_and_session):
    document, session = snapshot_and_session
    server = live("--state", write(tmp_path, document))
    assert requests.get(f"{server.url}/__mock__/state", timeout=10).json() == document
    info = requests.get(f"{server.url}/v2/user/get_info", params={"hash": session}, timeout=10)
    assert info.json()["user_info"]["login"] == OWNER
    keys = requests.post(f"{server.url}/v2/api/key/list", json={"hash": session}, timeout=10).json()
    assert [k["title"] for k in keys["list"]] == ["from a snapshot"]


def test_serve_state_with_a_bad_snapshot_exits_2_naming_the_field(tmp_path, snapshot_and_session):
    document = json.loads(json.dumps(snapshot_and_session[0]))
    document["sessions"][0]["user_id"] = 4242
    result = serve_exit("--state", write(tmp_path, document))
    assert result.returncode == 2
    assert "invalid state file" in result.stderr and "sessions.0.user_id" in result.stderr


def test_serve_state_with_a_missing_or_non_json_file_exits_2(tmp_path):
    assert serve_exit("--state", str(tmp_path / "absent.json")).returncode == 2
    (tmp_path / "broken.json").write_text("{not json")
    result = serve_exit("--state", str(tmp_path / "broken.json"))
    assert result.returncode == 2 and "cannot load state file" in result.stderr


# ---- --signing-key --------------------------------------------------------------------------------

def test_signing_key_signs_exports_and_loads_only_signed_snapshots(live, snapshot_and_session):
    document, _ = snapshot_and_session
    server = live("--signing-key", "k3y")
    exported = requests.get(f"{server.url}/__mock__/state", timeout=10).json()
    assert set(exported) == {"version", "signed"}
    assert URLSafeSerializer("k3y", salt=SALT).loads(exported["signed"])["version"] == 1
    assert requests.put(f"{server.url}/__mock__/state", json=exported, timeout=10).status_code == 200
    plain = requests.put(f"{server.url}/__mock__/state", json=document, timeout=10)
    assert plain.status_code == 400 and plain.json()["errors"][0]["parameter"] == "signed"
    tampered = {"version": 1, "signed": exported["signed"][:-3] + "xyz"}
    assert requests.put(f"{server.url}/__mock__/state", json=tampered, timeout=10).status_code == 400


def test_state_file_with_a_signing_key_must_be_signed_by_that_key(live, tmp_path, snapshot_and_session):
    document, session = snapshot_and_session
    signed = {"version": 1, "signed": URLSafeSerializer("k3y", salt=SALT).dumps(document)}
    server = live("--signing-key", "k3y", "--state", write(tmp_path, signed))
    info = requests.get(f"{server.url}/v2/user/get_info", params={"hash": session}, timeout=10)
    assert info.status_code == 200

    unsigned = serve_exit("--signing-key", "k3y", "--state", write(tmp_path, document, "plain.json"))
    assert unsigned.returncode == 2 and "signed" in unsigned.stderr
    foreign = serve_exit("--signing-key", "other", "--state", write(tmp_path, signed, "signed.json"))
    assert foreign.returncode == 2 and "bad signature" in foreign.stderr


def test_signing_key_from_the_environment(live):
    server = live(env={"MOCKSERVER_SIGNING_KEY": "env-key"})
    exported = requests.get(f"{server.url}/__mock__/state", timeout=10).json()
    assert URLSafeSerializer("env-key", salt=SALT).loads(exported["signed"])["version"] == 1


# ---- --control-token ------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["flag", "env"])
def test_control_token_from_the_flag_or_the_environment(live, how):
    server = (live("--control-token", "t0k") if how == "flag"
              else live(env={"MOCKSERVER_CONTROL_TOKEN": "t0k"}))
    refused = requests.post(f"{server.url}/__mock__/reset", timeout=10)
    assert refused.status_code == 401 and refused.json()["status"]["code"] == 11
    ok = requests.post(f"{server.url}/__mock__/reset", headers={"X-Mock-Token": "t0k"}, timeout=10)
    assert ok.status_code == 200
    assert requests.get(f"{server.url}/__mock__/health", timeout=10).status_code == 200


# ---- --cors-origin --------------------------------------------------------------------------------

def test_cors_origin_flags_replace_the_localhost_default(live):
    server = live("--cors-origin", "https://app.example.com", "--cors-origin", "https://b.example.com")

    def allow_origin(origin):
        response = requests.options(f"{server.url}/v2/user/auth", timeout=10, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        return response.headers.get("Access-Control-Allow-Origin")

    assert allow_origin("https://app.example.com") == "https://app.example.com"
    assert allow_origin("https://b.example.com") == "https://b.example.com"
    assert allow_origin("http://localhost:3000") is None
