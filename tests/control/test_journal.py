"""GET/DELETE /__mock__/journal: domain events, redacted credentials, the cap, since=, clear."""
from __future__ import annotations

import re

import pytest

from mockserver.app import create_app
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from tests.helpers import (DAY, IDLE_LIMIT, INACTIVE, OTHER, OWNER, SUBUSER, NavixyClient,
                           assert_error, assert_ok, describe)

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
FLOW = "/v2/iot/logic/flow"


def journal(client, since=None, headers=None) -> dict:
    query = {} if since is None else {"since": since}
    response = client.get("/__mock__/journal", query_string=query, headers=headers)
    assert response.status_code == 200, describe(response)
    return response.get_json()


def events(client, since=None, headers=None) -> list[dict]:
    return journal(client, since, headers)["events"]


def of_type(client, type_: str) -> list[dict]:
    return [e for e in events(client) if e["type"] == type_]


def only(client, type_: str) -> dict:
    found = of_type(client, type_)
    assert len(found) == 1, found
    return found[0]


def short(hash_: str) -> str:
    return hash_[:4] + "…"


# ---- each event type --------------------------------------------------------------------------

def test_login_and_login_failed(client, navixy):
    session = navixy.login()
    assert_error(navixy.post("/v2/user/auth", login=OWNER, password="wrong-one"), 102, 400)
    assert_error(navixy.post("/v2/user/auth", login="nobody@example.com", password="x"), 102, 400)
    assert_error(navixy.post("/v2/user/auth", login=OWNER, password="owner-password", dealer_id=7), 102, 400)
    assert_error(navixy.post("/v2/user/auth", login=INACTIVE, password="inactive-password"), 103, 400)
    login = only(client, "login")
    assert (login["login"], login["detail"], login["seq"]) == (OWNER, {"session": short(session)}, 1)
    assert ISO_UTC.match(login["at"])
    assert [(e["login"], e["detail"]) for e in of_type(client, "login_failed")] == [
        (OWNER, {"code": 102, "reason": "wrong_password"}),
        ("nobody@example.com", {"code": 102, "reason": "unknown_login"}),
        (OWNER, {"code": 102, "reason": "dealer_mismatch"}),
        (INACTIVE, {"code": 103, "reason": "not_activated"}),
    ]


def test_logout_and_session_renewed(client, navixy):
    session = navixy.login()
    assert_ok(navixy.post("/v2/user/session/renew", hash=session))
    assert_ok(navixy.post("/v2/user/logout", hash=session))
    assert only(client, "session_renewed")["detail"] == {"session": short(session)}
    logout = only(client, "logout")
    assert (logout["login"], logout["detail"]) == (OWNER, {"session": short(session)})


def test_session_expired_is_journaled_when_the_expired_session_is_presented(client, navixy):
    session = navixy.login()
    client.post("/__mock__/clock/advance", json={"seconds": IDLE_LIMIT + DAY})
    assert of_type(client, "session_expired") == []  # the clock alone changes nothing
    assert_error(navixy.post("/v2/user/get_info", hash=session), 4, 400)
    expired = only(client, "session_expired")
    assert expired["login"] == OWNER
    assert expired["detail"] == {"session": short(session), "idle_seconds": IDLE_LIMIT + DAY}
    denied = of_type(client, "access_denied")[-1]
    assert denied["detail"] == {"code": 4, "reason": "expired", "kind": "session",
                                "credential": short(session)}


def test_password_change_journals_the_change_and_every_session_it_ended(client, navixy):
    first, second = navixy.login(), navixy.login()
    assert_ok(navixy.post("/v2/user/password/set", hash=first, old_password="owner-password",
                          new_password="new-pass-1"))
    assert only(client, "password_changed")["login"] == OWNER
    invalidated = only(client, "sessions_invalidated")
    assert invalidated["login"] == OWNER
    assert invalidated["detail"] == {"reason": "password_changed", "count": 2,
                                     "sessions": sorted([short(first), short(second)])}


@pytest.mark.parametrize("family", ["/v2/api/key", "/v2/user/api_key"])
def test_key_created_deleted_and_the_limit(client, navixy, family):
    session = navixy.login()
    key = navixy.create_key(session, "CI", path=f"{family}/create")
    param = "key" if family == "/v2/api/key" else "api_key"
    assert_ok(navixy.post(f"{family}/delete", hash=session, **{param: key}))
    created = of_type(client, "key_created")[0]
    assert (created["login"], created["detail"]) == (OWNER, {"key": short(key), "title": "CI"})
    deleted = only(client, "key_deleted")
    assert (deleted["login"], deleted["detail"]) == (OWNER, {"key": short(key), "title": "CI"})
    for i in range(20):
        navixy.create_key(session, f"k{i}", path=f"{family}/create")
    assert_error(navixy.post(f"{family}/create", hash=session, title="21st"), 268, 402)
    limit = only(client, "key_limit_reached")
    assert (limit["login"], limit["detail"]) == (OWNER, {"code": 268, "limit": 20})


def test_access_denied_carries_the_code_reason_and_redacted_credential(client, navixy):
    sub, owner = navixy.login(SUBUSER), navixy.login()
    key = navixy.create_key(owner)
    assert_error(navixy.post("/v2/user/get_info"), 3, 400)
    assert_error(client.get("/v2/user/get_info", headers={"Authorization": "Bearer x"}), 3, 400)
    assert_error(navixy.post("/v2/user/get_info", hash="f" * 32), 4, 400)
    assert_error(navixy.post("/v2/api/key/list", hash=key), 4, 400)
    assert_error(navixy.post("/v2/api/key/list", hash=sub), 13, 403)
    assert [(e["login"], e["detail"]) for e in of_type(client, "access_denied")] == [
        (None, {"code": 3, "reason": "missing", "kind": None, "credential": None}),
        (None, {"code": 3, "reason": "malformed", "kind": None, "credential": None}),
        (None, {"code": 4, "reason": "unknown", "kind": None, "credential": "ffff…"}),
        (OWNER, {"code": 4, "reason": "session_required", "kind": "api_key", "credential": short(key)}),
        (SUBUSER, {"code": 13, "reason": "owner_only", "kind": "session", "credential": short(sub)}),
    ]


def test_flow_created_updated_deleted(client, navixy):
    session = navixy.login()
    flow = {"title": "Mine", "nodes": [], "edges": []}
    flow_id = assert_ok(navixy.post(f"{FLOW}/create", hash=session, flow=flow))["id"]
    assert_ok(navixy.post(f"{FLOW}/update", hash=session, flow={**flow, "id": flow_id, "title": "Renamed"}))
    assert_ok(navixy.post(f"{FLOW}/delete", hash=session, flow_id=flow_id))
    flow_events = [e for e in events(client) if e["type"].startswith("flow_")]
    assert [(e["type"], e["login"], e["detail"]) for e in flow_events] == [
        ("flow_created", OWNER, {"flow_id": flow_id, "title": "Mine"}),
        ("flow_updated", OWNER, {"flow_id": flow_id, "title": "Renamed"}),
        ("flow_deleted", OWNER, {"flow_id": flow_id, "title": "Renamed"}),
    ]


def test_a_sub_users_flow_change_is_journaled_under_the_sub_users_login(client, navixy):
    sub = navixy.login(SUBUSER)
    assert_ok(navixy.post(f"{FLOW}/delete", hash=sub, flow_id=1234))
    assert only(client, "flow_deleted")["login"] == SUBUSER


def test_reset_appends_a_reset_event_and_numbering_continues(client, navixy):
    navixy.login()
    assert_ok(client.post("/__mock__/reset"))
    navixy.login()
    assert [(e["seq"], e["type"]) for e in events(client)] == [(1, "login"), (2, "reset"), (3, "login")]


# ---- redaction --------------------------------------------------------------------------------

def test_no_full_credential_appears_anywhere_in_the_journal(client, navixy):
    owner, other = navixy.login(), navixy.login(OTHER)
    keys = [navixy.create_key(owner, f"k{i}") for i in range(3)]
    assert_ok(navixy.post("/v2/api/key/delete", hash=owner, key=keys[0]))
    assert_error(navixy.post("/v2/api/key/list", hash=keys[1]), 4, 400)
    assert_ok(navixy.post("/v2/user/logout", hash=other))
    assert_error(navixy.post("/v2/user/get_info", hash=other), 4, 400)
    assert_ok(navixy.post("/v2/user/password/set", hash=owner, old_password="owner-password",
                          new_password="new-pass-1"))
    text = client.get("/__mock__/journal").get_data(as_text=True)
    for credential in (owner, other, *keys):
        assert credential not in text and credential[:5] not in text
    assert "owner-password" not in text and "new-pass-1" not in text
    shown = {value for e in events(client) for value in _strings(e["detail"]) if value.endswith("…")}
    assert shown and all(re.fullmatch(r"[0-9a-f]{4}…", value) for value in shown)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)


# ---- since=, clear, cap -----------------------------------------------------------------------

def test_since_returns_later_events_and_last_seq_is_the_next_cursor(client, navixy):
    for _ in range(4):
        navixy.login()
    page = journal(client, since=2)
    assert [e["seq"] for e in page["events"]] == [3, 4] and page["last_seq"] == 4
    assert journal(client, since=4) == {"events": [], "last_seq": 4}
    assert journal(client, since=10**15)["events"] == []


@pytest.mark.parametrize("since", ["-1", "abc", "1.5", ""])
def test_a_bad_since_is_code_7(client, since):
    body = assert_error(client.get(f"/__mock__/journal?since={since}"), 7, 400)
    assert body["errors"][0]["parameter"] == "since"


def test_an_unknown_parameter_is_code_7(client):
    assert_error(client.get("/__mock__/journal?sinse=1"), 7, 400)


def test_delete_clears_the_journal_and_seq_keeps_counting(client, navixy):
    navixy.login()
    navixy.login()
    assert_ok(client.delete("/__mock__/journal"))
    assert journal(client) == {"events": [], "last_seq": 2}
    navixy.login()
    assert [e["seq"] for e in events(client)] == [3]


def test_past_the_cap_the_oldest_events_drop(clock):
    client = create_app(world=World(load_fixture(), clock, journal_cap=3)).test_client()
    navixy = NavixyClient(client)
    for _ in range(5):
        navixy.login()
    page = journal(client)
    assert [e["seq"] for e in page["events"]] == [3, 4, 5] and page["last_seq"] == 5


def test_journal_cap_config_sets_the_cap_of_every_world():
    app = create_app({"JOURNAL_CAP": 2})
    client, navixy = app.test_client(), NavixyClient(app.test_client())
    ns = {"X-Mock-Namespace": "capped"}
    for _ in range(3):
        navixy.login()
        client.post("/v2/user/auth", json={"login": OWNER, "password": "owner-password"}, headers=ns)
    assert [e["seq"] for e in events(client)] == [2, 3]
    assert [e["seq"] for e in events(client, headers=ns)] == [2, 3]


def test_at_follows_the_mock_clock(client, navixy):
    navixy.login()
    client.put("/__mock__/clock", json={"now": "2030-05-06T07:08:09Z"})
    navixy.login()
    assert [e["at"] for e in events(client)] == ["2026-01-01T00:00:00Z", "2030-05-06T07:08:09Z"]


def test_each_namespace_has_its_own_journal(client, navixy):
    ns = {"X-Mock-Namespace": "team-a"}
    client.post("/v2/user/auth", json={"login": OWNER, "password": "owner-password"}, headers=ns)
    assert [e["type"] for e in events(client, headers=ns)] == ["login"]
    assert events(client) == []
    assert_ok(client.delete("/__mock__/journal", headers=ns))
    navixy.login()
    assert events(client, headers=ns) == [] and len(events(client)) == 1
