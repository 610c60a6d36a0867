"""`mockserver verify` as a user runs it: a real `serve` process as the target, the CLI as a
subprocess, the table on stdout, the Markdown and JSON reports, and the exit code."""
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.live import LiveServer

LOGIN, PASSWORD = "owner@example.com", "owner-password"
HEX32 = re.compile(r"[0-9a-fA-F]{32}")
BASE_STEPS = ["login", "get_info", "key_create", "key_list", "key_delete", "flow_list",
              "hash_malformed", "hash_unknown", "logout", "reuse_after_logout"]


def verify(url: str, *extra: str, login: str = LOGIN, password: str = PASSWORD):
    return subprocess.run(
        [sys.executable, "-m", "mockserver", "verify", "--url", url, "--login", login,
         "--password", password, "--timeout", "10", *extra],
        capture_output=True, text=True, timeout=180)


def post(url: str, **params) -> dict:
    request = urllib.request.Request(url, data=json.dumps(params).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def keys_on(server: LiveServer, login: str = LOGIN, password: str = PASSWORD) -> list:
    session = post(f"{server.url}/v2/user/auth", login=login, password=password)["hash"]
    return post(f"{server.url}/v2/api/key/list", hash=session)["list"]


@pytest.fixture
def live():
    server = LiveServer()
    yield server
    assert server.stop() == 0


@pytest.fixture
def subuser_server(tmp_path):
    """A planted difference: the login verify uses is a sub-user here, so key calls give 13."""
    fixture = tmp_path / "subuser.json"
    fixture.write_text(json.dumps({
        "users": [
            {"id": 1, "login": "boss@example.com", "password": "boss-password"},
            {"id": 2, "login": LOGIN, "password": PASSWORD, "master": "boss@example.com"},
        ],
        "flows": [
            {"owner": "boss@example.com", "id": 7, "title": "Boss flow", "description": None,
             "enabled": True, "nodes": [], "edges": []},
        ],
    }))
    server = LiveServer("--fixtures", str(fixture))
    yield server
    server.stop()


def test_the_fake_verified_against_itself_has_no_difference_and_exits_0(live, tmp_path):
    result = verify(live.url, "--json", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no difference" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["match"] is True
    assert [s["step"] for s in report["steps"]] == BASE_STEPS
    codes = {s["step"]: s["target"]["code"] for s in report["steps"]}
    assert (codes["hash_malformed"], codes["hash_unknown"], codes["reuse_after_logout"]) == (3, 4, 4)
    assert keys_on(live) == []  # the key it created on the target is gone


def test_destructive_run_hits_the_limit_on_both_sides_and_cleans_up(live, tmp_path):
    result = verify(live.url + "/v2/", "--destructive", "--json", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    steps = {s["step"]: s for s in json.loads((tmp_path / "r.json").read_text())["steps"]}
    over = steps["key_over_limit"]
    assert (over["target"]["http"], over["target"]["code"], over["match"]) == (402, 268, True)
    assert keys_on(live) == []


def test_a_planted_difference_is_reported_step_by_step_and_exits_1(subuser_server, tmp_path):
    result = verify(subuser_server.url, "--json", str(tmp_path / "r.json"),
                    "--report", str(tmp_path / "r.md"))
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    differing = {s["step"]: s["differences"] for s in report["steps"] if not s["match"]}
    # get_info: a sub-user also gets `master` and `privileges`; every key call: 13 with HTTP 403.
    assert sorted(differing) == ["get_info", "key_create", "key_delete", "key_list"]
    assert differing["get_info"] == ["shape $.master: only in target (object)",
                                      "shape $.privileges: only in target (object)"]
    for step in ("key_create", "key_list", "key_delete"):
        assert "HTTP status: 200 in fake, 403 in target" in differing[step]
        assert "success: true in fake, false in target" in differing[step]
        assert "status.code: null in fake, 13 in target" in differing[step]
    assert "4 step(s) differ: get_info, key_create, key_list, key_delete" in result.stdout
    table = {line.split()[0]: line for line in result.stdout.splitlines() if line and line[0] != " "}
    assert table["key_create"].split()[-1] == "NO" and table["flow_list"].split()[-1] == "yes"
    assert "| key_list | 200 ok | 403 code 13 | **NO** |" in (tmp_path / "r.md").read_text()


def test_no_credential_or_hash_appears_in_full_in_any_output(subuser_server, live, tmp_path):
    outputs = []
    for n, server in enumerate((live, subuser_server)):
        md, js = tmp_path / f"r{n}.md", tmp_path / f"r{n}.json"
        result = verify(server.url, "--destructive", "--report", str(md), "--json", str(js))
        assert result.returncode in (0, 1), result.stderr
        outputs += [result.stdout, result.stderr, md.read_text(), js.read_text()]
    for text in outputs:
        assert PASSWORD not in text and LOGIN not in text
        assert not HEX32.search(text), "a 32-hex hash was written in full"
    assert "owne…" in outputs[2]  # the login, redacted in the report header


def test_an_unreachable_target_exits_2_without_printing_the_password():
    result = verify("http://127.0.0.1:1")
    assert result.returncode == 2
    assert "cannot reach" in result.stderr and PASSWORD not in result.stderr + result.stdout


def test_a_bad_url_or_missing_argument_exits_2():
    assert verify("ftp://127.0.0.1:1").returncode == 2
    missing = subprocess.run([sys.executable, "-m", "mockserver", "verify", "--url", "http://127.0.0.1:1"],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2


def test_shapes_compare_keys_and_json_types_not_values():
    from mockserver.verify import Redactor, shape, shape_differences

    fake = shape({"list": [{"id": 1, "title": "a", "x": None}], "n": 1.5, "ok": True})
    assert fake == {"list": [{"id": "number", "title": "string", "x": "null"}], "n": "number",
                    "ok": "boolean"}
    assert shape_differences(fake, shape({"list": [{"id": 9, "title": "zz", "x": None}],
                                          "n": 2, "ok": False})) == []
    target = shape({"list": [{"id": "1", "title": "a"}], "ok": True, "extra": {}})
    assert shape_differences(fake, target) == [
        "$.extra: only in target (object)", "$.list[0].id: number in fake, string in target",
        "$.list[0].x: only in fake (null)", "$.n: only in fake (number)"]
    assert shape_differences({"list": []}, {"list": ["string"]}) == ["$.list: empty list in fake only"]
    secret = "0123456789abcdef0123456789ABCDEF"
    assert Redactor("owner-password")(f"pw owner-password h {secret}") == "pw owne… h 0123…"


def test_an_injected_fault_is_reported_on_exactly_that_step(live, tmp_path):
    try:
        post(f"{live.url}/__mock__/faults", match={"path": "/v2/iot/logic/flow/list"},
             action={"code": 15}, times=1)
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 405):
            pytest.skip("this build has no /__mock__/faults")
        raise
    result = verify(live.url, "--json", str(tmp_path / "r.json"))
    assert result.returncode == 1, result.stdout + result.stderr
    steps = json.loads((tmp_path / "r.json").read_text())["steps"]
    differing = {s["step"]: s for s in steps if not s["match"]}
    assert list(differing) == ["flow_list"]
    assert (differing["flow_list"]["target"]["http"], differing["flow_list"]["target"]["code"]) == (429, 15)
    assert "HTTP status: 200 in fake, 429 in target" in differing["flow_list"]["differences"]
    assert "1 step(s) differ: flow_list" in result.stdout
