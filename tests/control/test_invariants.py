"""GET /__mock__/invariants: empty for any state the rules can reach, non-empty for a store
corrupted behind their back (or a rule that stops holding)."""
from __future__ import annotations

from dataclasses import replace
import pytest

from mockserver.domain import sessions
from mockserver.domain.model import ApiKey, Flow, Session
from tests.helpers import DAY, IDLE_LIMIT, OWNER, SUBUSER, assert_ok, describe

START = 1767225600.0  # 2026-01-01T00:00:00Z, the conftest clock
OWNER_ID, SUBUSER_ID, MISSING_ID = 10001, 10002, 99999


def violations(client, headers=None) -> list[dict]:
    response = client.get("/__mock__/invariants", headers=headers)
    assert response.status_code == 200, describe(response)
    return response.get_json()["violations"]


def rules(client) -> list[str]:
    return [v["rule"] for v in violations(client)]


def test_a_fresh_world_has_no_violation(client):
    assert violations(client) == []


def test_everything_the_rules_allow_keeps_the_invariants(client, navixy):
    owner, sub = navixy.login(), navixy.login(SUBUSER)
    for i in range(20):
        navixy.create_key(owner, f"k{i}")
    flow = {"title": "by sub", "nodes": [], "edges": []}
    assert_ok(navixy.post("/v2/iot/logic/flow/create", hash=sub, flow=flow))
    assert_ok(navixy.post("/v2/user/password/set", hash=sub, old_password="subuser-password",
                          new_password="new-pass-1"))
    navixy.login(SUBUSER, "new-pass-1")
    stale = navixy.login()
    client.post("/__mock__/clock/advance", json={"seconds": IDLE_LIMIT + DAY})
    assert violations(client) == []  # the idle session is still stored, but it is not live
    navixy.post("/v2/user/get_info", hash=stale)
    assert violations(client) == []


def test_a_21st_key_added_behind_the_rules_back(client, world):
    for i in range(21):
        world.store.add_key(ApiKey(f"{i:032x}", OWNER_ID, f"k{i}", START))
    assert violations(client) == [{"rule": "key_limit", "subject": f"account {OWNER}",
                                   "message": "21 API keys, over the limit of 20"}]


@pytest.mark.parametrize("owner_id,why", [(SUBUSER_ID, SUBUSER), (MISSING_ID, "does not exist")])
def test_a_key_not_owned_by_an_existing_owner(client, world, owner_id, why):
    world.store.add_key(ApiKey("ab" * 16, owner_id, "stray", START))
    [found] = violations(client)
    assert (found["rule"], found["subject"]) == ("key_owner", "key abab…")
    assert why in found["message"]
    assert "ab" * 16 not in found["message"]


@pytest.mark.parametrize("owner_id,why", [(SUBUSER_ID, SUBUSER), (MISSING_ID, "does not exist")])
def test_a_flow_not_owned_by_an_existing_owner(client, world, owner_id, why):
    world.store.put_flow(Flow(id=777, owner_id=owner_id, title="stray", description=None,
                              enabled=False, nodes=[], edges=[], modified=START))
    [found] = violations(client)
    assert (found["rule"], found["subject"]) == ("flow_owner", "flow 777")
    assert why in found["message"]


def test_a_live_session_issued_before_the_users_password_change(client, navixy, world):
    session = navixy.login()
    client.post("/__mock__/clock/advance", json={"seconds": 60})
    # as if removing the sessions had been forgotten on a password change
    world.store.add_user(replace(world.store.user(OWNER_ID), password_changed_at=START + 30))
    [found] = violations(client)
    assert (found["rule"], found["subject"]) == (
        "session_before_password_change", f"session {session[:4]}…")
    navixy.login()  # a session issued after the change is fine
    assert rules(client) == ["session_before_password_change"]


def test_a_live_session_of_a_user_who_does_not_exist(client, world):
    world.store.add_session(Session("cd" * 16, MISSING_ID, created_at=START, last_used=START))
    assert rules(client) == ["session_user"]


def test_an_idle_expired_session_is_not_live_so_not_a_violation(client, world):
    world.store.add_session(Session("cd" * 16, OWNER_ID, created_at=START - 90 * DAY,
                                    last_used=START - IDLE_LIMIT))
    assert violations(client) == []


def test_a_rule_that_accepts_idle_sessions_is_caught(client, navixy, monkeypatch):
    """The check is an oracle: it asks the expiry rule what is live, then checks the answer."""
    navixy.login()
    client.post("/__mock__/clock/advance", json={"seconds": IDLE_LIMIT + DAY})
    monkeypatch.setattr(sessions, "idle_expired", lambda session, now: now - session.last_used > 60 * DAY)
    [found] = violations(client)
    assert found["rule"] == "session_idle" and "31.0 days" in found["message"]


def test_invariants_act_on_the_callers_namespace(client, world):
    world.store.add_key(ApiKey("ab" * 16, MISSING_ID, "stray", START))
    assert violations(client, headers={"X-Mock-Namespace": "clean"}) == []
    assert len(violations(client)) == 1


def test_reset_repairs_a_corrupted_store(client, world):
    world.store.add_key(ApiKey("ab" * 16, MISSING_ID, "stray", START))
    assert_ok(client.post("/__mock__/reset"))
    assert violations(client) == []
