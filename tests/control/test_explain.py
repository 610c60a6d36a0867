"""GET /__mock__/explain and the X-Mock-Reason header (`--explain-header`)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from mockserver.app import create_app
from mockserver.cli import main
from tests.helpers import (DAY, IDLE_LIMIT, OWNER, SUBUSER, NavixyClient, assert_error,
                           assert_ok, describe)
from tests.live import LiveServer

LATER_ISO = "2026-01-02T00:00:00Z"


def explain(client, credential, headers=None) -> dict:
    response = client.get("/__mock__/explain", query_string={"hash": credential}, headers=headers)
    assert response.status_code == 200, describe(response)
    return response.get_json()


def advance(client, seconds):
    assert client.post("/__mock__/clock/advance", json={"seconds": seconds}).status_code == 200


# ---- each reason ------------------------------------------------------------------------------

def test_a_live_session(client, navixy):
    session = navixy.login()
    found = explain(client, session)
    assert {k: found[k] for k in ("valid", "kind", "login", "reason", "at")} == {
        "valid": True, "kind": "session", "login": OWNER, "reason": "valid", "at": None}
    assert "2026-01-31T00:00:00Z" in found["detail"]  # when it will expire


def test_a_live_api_key(client, navixy):
    key = navixy.create_key(navixy.login(), "CI")
    found = explain(client, key)
    assert (found["valid"], found["kind"], found["login"], found["reason"], found["at"]) == (
        True, "api_key", OWNER, "valid", None)
    assert "'CI'" in found["detail"]


@pytest.mark.parametrize("credential", ["", "abc", "g" * 32, "a" * 31, "a" * 33, " " + "a" * 32])
def test_malformed(client, credential):
    assert explain(client, credential) | {"detail": ""} == {
        "valid": False, "kind": None, "login": None, "reason": "malformed", "at": None, "detail": ""}


def test_unknown(client):
    found = explain(client, "0" * 32)
    assert (found["valid"], found["kind"], found["login"], found["reason"], found["at"]) == (
        False, None, None, "unknown", None)


def test_an_upper_cased_live_hash_is_unknown_with_a_hint(client, navixy):
    found = explain(client, navixy.login().upper())
    assert found["reason"] == "unknown" and "lower-case" in found["detail"]


def test_expired_after_authenticate_removed_it(client, navixy):
    session = navixy.login()
    advance(client, IDLE_LIMIT + DAY)
    assert_error(navixy.post("/v2/user/get_info", hash=session), 4, 400)
    found = explain(client, session)
    assert (found["valid"], found["kind"], found["login"], found["reason"], found["at"]) == (
        False, "session", OWNER, "expired", "2026-01-31T00:00:00Z")


def test_expired_while_nobody_looked_and_explain_does_not_remove_it(client, navixy, world):
    session = navixy.login()
    advance(client, IDLE_LIMIT)  # exactly 30 days idle: dead
    found = explain(client, session)
    assert (found["reason"], found["at"], found["login"]) == ("expired", "2026-01-31T00:00:00Z", OWNER)
    assert world.store.session(session) is not None  # explain changed nothing
    assert [e for e in client.get("/__mock__/journal").get_json()["events"]
            if e["type"] == "session_expired"] == []


def test_explain_does_not_refresh_a_session(client, navixy):
    session = navixy.login()
    advance(client, IDLE_LIMIT - DAY)
    assert explain(client, session)["reason"] == "valid"
    advance(client, DAY)
    assert explain(client, session)["reason"] == "expired"
    assert_error(navixy.post("/v2/user/get_info", hash=session), 4, 400)


def test_logged_out(client, navixy):
    session = navixy.login()
    advance(client, DAY)
    assert_ok(navixy.post("/v2/user/logout", hash=session))
    found = explain(client, session)
    assert (found["valid"], found["kind"], found["login"], found["reason"], found["at"]) == (
        False, "session", OWNER, "logged_out", LATER_ISO)


def test_password_changed(client, navixy):
    session, other = navixy.login(SUBUSER), navixy.login(SUBUSER)
    advance(client, DAY)
    assert_ok(navixy.post("/v2/user/password/set", hash=session, old_password="subuser-password",
                          new_password="new-pass-1"))
    for credential in (session, other):
        found = explain(client, credential)
        assert (found["kind"], found["login"], found["reason"], found["at"]) == (
            "session", SUBUSER, "password_changed", LATER_ISO)


@pytest.mark.parametrize("family,param", [("/v2/api/key", "key"), ("/v2/user/api_key", "api_key")])
def test_revoked(client, navixy, family, param):
    session = navixy.login()
    key = navixy.create_key(session, path=f"{family}/create")
    advance(client, DAY)
    assert_ok(navixy.post(f"{family}/delete", hash=session, **{param: key}))
    found = explain(client, key)
    assert (found["valid"], found["kind"], found["login"], found["reason"], found["at"]) == (
        False, "api_key", OWNER, "revoked", LATER_ISO)


def test_after_a_reset_old_credentials_are_unknown(client, navixy):
    live, dead = navixy.login(), navixy.login()
    assert_ok(navixy.post("/v2/user/logout", hash=dead))
    assert_ok(client.post("/__mock__/reset"))
    assert explain(client, live)["reason"] == "unknown"
    assert explain(client, dead)["reason"] == "unknown"


def test_explain_acts_on_the_callers_namespace(client, navixy):
    session = navixy.login()
    assert explain(client, session, headers={"X-Mock-Namespace": "elsewhere"})["reason"] == "unknown"


def test_a_missing_hash_is_code_7(client):
    body = assert_error(client.get("/__mock__/explain"), 7, 400)
    assert body["errors"][0]["parameter"] == "hash"


# ---- X-Mock-Reason ----------------------------------------------------------------------------

@pytest.fixture
def explaining(world):
    app = create_app({"EXPLAIN_HEADER": True}, world=world)
    return NavixyClient(app.test_client())


def reason(response) -> str | None:
    return response.headers.get("X-Mock-Reason")


def test_no_header_by_default(navixy):
    response = navixy.post("/v2/user/get_info", hash="0" * 32)
    assert_error(response, 4, 400)
    assert reason(response) is None


def test_the_header_names_the_credentials_reason_on_3_and_4(explaining):
    navixy, client = explaining, explaining.client
    assert reason(navixy.post("/v2/user/get_info")) == "missing"
    assert reason(navixy.post("/v2/user/get_info", hash="abc")) == "malformed"
    assert reason(client.get("/v2/user/get_info", headers={"Authorization": "Bearer x"})) == "malformed"
    assert reason(navixy.post("/v2/user/get_info", hash="0" * 32)) == "unknown"
    owner = navixy.login()
    key = navixy.create_key(owner)
    assert reason(navixy.post("/v2/api/key/list", hash=key)) == "session_required"
    assert_ok(navixy.post("/v2/api/key/delete", hash=owner, key=key))
    response = navixy.post("/v2/iot/logic/flow/list", hash=key)
    assert_error(response, 4, 401)
    assert reason(response) == "revoked"
    assert_ok(navixy.post("/v2/user/logout", hash=owner))
    assert reason(navixy.post("/v2/user/get_info", hash=owner)) == "logged_out"
    changed = navixy.login()
    assert_ok(navixy.post("/v2/user/password/set", hash=changed, old_password="owner-password",
                          new_password="new-pass-1"))
    assert reason(navixy.post("/v2/user/get_info", hash=changed)) == "password_changed"
    stale = navixy.login(SUBUSER)
    client.post("/__mock__/clock/advance", json={"seconds": IDLE_LIMIT})
    assert reason(navixy.post("/v2/user/get_info", hash=stale)) == "expired"  # removed now...
    assert reason(navixy.post("/v2/user/get_info", hash=stale)) == "expired"  # ...and remembered


def test_the_header_names_any_other_error(explaining):
    navixy, client = explaining, explaining.client
    assert reason(navixy.post("/v2/user/auth", login=OWNER, password="wrong")) == "wrong_login"
    assert reason(navixy.post("/v2/user/auth", login=OWNER)) == "invalid_parameters"
    assert reason(client.get("/v2/nowhere")) == "wrong_handler"
    assert reason(client.delete("/v2/user/auth")) == "wrong_method"
    bad_json = client.post("/v2/user/auth", data="{", content_type="application/json")
    assert reason(bad_json) == "wrong_request_format"
    owner, sub = navixy.login(), navixy.login(SUBUSER)
    assert reason(navixy.post("/v2/api/key/list", hash=sub)) == "operation_not_permitted"
    assert reason(navixy.post("/v2/api/key/delete", hash=owner, key="0" * 32)) == "not_found"
    for i in range(20):
        navixy.create_key(owner, f"k{i}")
    assert reason(navixy.post("/v2/api/key/create", hash=owner, title="21st")) == "over_quota"
    assert reason(client.get("/__mock__/journal?since=-1")) == "invalid_parameters"
    assert reason(navixy.post("/v2/user/get_info", hash=owner)) is None  # no header on success


# ---- the command line -------------------------------------------------------------------------

def test_serve_takes_explain_header_and_journal_cap():
    server = LiveServer("--explain-header", "--journal-cap", "2")
    try:
        request = urllib.request.Request(f"{server.url}/v2/user/get_info?hash={'0' * 32}")
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)
        assert error.value.headers["X-Mock-Reason"] == "unknown"
        for _ in range(3):
            _refused(f"{server.url}/v2/user/get_info")  # each journals an access_denied
        with urllib.request.urlopen(f"{server.url}/__mock__/journal", timeout=10) as response:
            page = json.load(response)
        assert [e["seq"] for e in page["events"]] == [3, 4]
    finally:
        assert server.stop() == 0


def _refused(url: str) -> None:
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(url, timeout=10)


@pytest.mark.parametrize("cap", ["0", "-3", "many"])
def test_serve_refuses_a_journal_cap_below_1(cap, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--journal-cap", cap])
    assert exit_.value.code == 2
    assert "--journal-cap" in capsys.readouterr().err
