"""Tests written for seeded bugs that survived mutation/seeded.py (see mutation/RESULTS.md)."""
from __future__ import annotations

from mockserver.domain import sessions
from mockserver.web import user as user_views
from tests.helpers import OWNER, PASSWORDS, assert_ok


def test_the_world_lock_is_held_for_the_whole_call_not_just_inside_the_rules(navixy, world, monkeypatch):
    # Seed `rpc-unlocked`: web/rpc.py must hold the world's lock around credential check AND
    # rule, so a rule sees the world the credential was checked against. get_info's rule takes
    # no lock of its own, so whether the lock is held inside it shows what the web layer does.
    held = []
    real = sessions.user_and_master

    def spy(w, principal):
        held.append(w.store.lock._is_owned())
        return real(w, principal)

    monkeypatch.setattr(user_views.sessions, "user_and_master", spy)
    session = assert_ok(navixy.post("/v2/user/auth", login=OWNER, password=PASSWORDS[OWNER]))["hash"]
    assert_ok(navixy.post("/v2/user/get_info", hash=session))
    assert held == [True]
