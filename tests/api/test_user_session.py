"""/v2/user/logout, session/renew, get_info, password/set and the inactivity rule of INTERFACE.md."""
import pytest

from tests.helpers import (DAY, IDLE_LIMIT, OTHER, OWNER, PASSWORDS, SUBUSER, assert_error,
                           assert_ok, describe)

NEW_PASSWORD = "brand-new-secret"


@pytest.fixture
def app(module_app):
    """Overrides conftest's app: one app per module, reset to the fixture (store and frozen
    clock) before each test, as the pytest plugin does for users; it keeps the run fast."""
    module_app.extensions["mockserver"].world.reset()
    return module_app


@pytest.fixture
def clock(app):
    return app.extensions["mockserver"].world.clock


def get_info(navixy, credential: str):
    return navixy.post("/v2/user/get_info", hash=credential)


def set_password(navixy, session: str, old: str, new: str):
    return navixy.post("/v2/user/password/set", hash=session, old_password=old, new_password=new)


def assert_alive(navixy, credential: str) -> dict:
    return assert_ok(get_info(navixy, credential))


def assert_dead(navixy, credential: str) -> None:
    assert_error(get_info(navixy, credential), 4, 400)


# ---- logout ---------------------------------------------------------------------------------

def test_logout_succeeds_and_the_logged_out_hash_then_gets_4(navixy):
    session = navixy.login()
    assert assert_ok(navixy.post("/v2/user/logout", hash=session)) == {"success": True}
    assert_dead(navixy, session)
    assert_error(navixy.post("/v2/user/logout", hash=session), 4, 400)


def test_logout_ends_only_that_session_and_keeps_the_users_other_sessions_and_keys(navixy):
    first, second = navixy.login(), navixy.login()
    key = navixy.create_key(first)
    sub = navixy.login(SUBUSER)
    assert_ok(navixy.post("/v2/user/logout", hash=first))
    assert_dead(navixy, first)
    assert_alive(navixy, second)
    assert_alive(navixy, key)
    assert_alive(navixy, sub)


def test_a_logged_out_session_gets_401_on_iot_logic(navixy):
    session = navixy.login()
    assert_ok(navixy.post("/v2/user/logout", hash=session))
    assert_error(navixy.post("/v2/iot/logic/flow/list", hash=session), 4, 401)


# ---- session/renew --------------------------------------------------------------------------

def test_session_renew_succeeds_and_keeps_the_session_working(navixy):
    session = navixy.login()
    assert assert_ok(navixy.post("/v2/user/session/renew", hash=session)) == {"success": True}
    assert_alive(navixy, session)


def test_session_renew_restarts_the_30_day_inactivity_window(navixy, clock):
    session = navixy.login()
    clock.advance(IDLE_LIMIT - DAY)
    assert_ok(navixy.post("/v2/user/session/renew", hash=session))
    clock.advance(IDLE_LIMIT - DAY)
    assert_alive(navixy, session)


# ---- get_info -------------------------------------------------------------------------------

def test_get_info_of_an_owner_has_its_user_info_and_no_master_or_privileges(navixy):
    body = assert_alive(navixy, navixy.login(OWNER))
    info = body["user_info"]
    assert (info["id"], info["login"], info["title"]) == (10001, OWNER, "Owner Example")
    assert (info["first_name"], info["last_name"]) == ("Olivia", "Owner")
    assert info["creation_date"] == "2024-03-01 09:00:00"
    assert "master" not in body and "privileges" not in body


def test_get_info_of_a_sub_user_adds_its_master_and_privileges(navixy):
    body = assert_alive(navixy, navixy.login(SUBUSER))
    assert (body["user_info"]["id"], body["user_info"]["login"]) == (10002, SUBUSER)
    master = body["master"]
    assert (master["id"], master["title"]) == (10001, "Owner Example")
    assert (master["first_name"], master["last_name"]) == ("Olivia", "Owner")
    assert body["privileges"] == {"rights": ["tracking", "reports"]}


def test_get_info_answers_for_the_caller_not_for_another_account(navixy):
    assert assert_alive(navixy, navixy.login(OTHER))["user_info"]["login"] == OTHER


@pytest.mark.parametrize("send", ["post", "form", "get"])
def test_get_info_accepts_an_api_key_and_answers_for_its_owner(navixy, send):
    key = navixy.create_key(navixy.login())
    body = assert_ok(getattr(navixy, send)("/v2/user/get_info", hash=key))
    assert body["user_info"]["login"] == OWNER
    assert "master" not in body


def test_iot_flow_list_accepts_an_api_key_and_lists_its_owners_flows(navixy):
    key = navixy.create_key(navixy.login())
    flows = assert_ok(navixy.post("/v2/iot/logic/flow/list", hash=key))["list"]
    assert {f["id"] for f in flows} >= {1234, 1235}
    assert 2001 not in {f["id"] for f in flows}


# ---- sessions only --------------------------------------------------------------------------

@pytest.mark.parametrize("path, params", [
    ("/v2/user/logout", {}),
    ("/v2/user/session/renew", {}),
    ("/v2/user/password/set", {"old_password": "owner-password", "new_password": NEW_PASSWORD}),
])
def test_an_api_key_on_a_sessions_only_endpoint_gets_4_and_changes_nothing(navixy, path, params):
    session = navixy.login()
    key = navixy.create_key(session)
    assert_error(navixy.post(path, hash=key, **params), 4, 400)
    assert_alive(navixy, key)
    assert_alive(navixy, session)
    navixy.login(OWNER, "owner-password")  # the password did not change


# ---- password/set: parameters ---------------------------------------------------------------

@pytest.mark.parametrize("new_password", [
    pytest.param("abcde", id="5-chars"),
    pytest.param("a" * 21, id="21-chars"),
    pytest.param("", id="empty"),
    pytest.param("abc\x01defg", id="control-char"),
    pytest.param("abc\tdefg", id="tab"),
    pytest.param("abcdefg\n", id="trailing-newline"),
    pytest.param("abc\x7fdefg", id="delete-char"),
])
def test_password_set_with_new_password_not_6_to_20_printable_chars_is_7_naming_it(navixy, new_password):
    session = navixy.login()
    body = assert_error(set_password(navixy, session, "owner-password", new_password), 7, 400)
    assert "new_password" in [e["parameter"] for e in body["errors"]]
    assert_alive(navixy, session)
    navixy.login(OWNER, "owner-password")


def test_password_set_with_a_lone_surrogate_in_new_password_is_7(navixy):
    session = navixy.login()
    response = set_password(navixy, session, "owner-password", "abc\ud800defg")
    assert response.status_code == 400, describe(response)
    body = assert_error(response, 7, 400)
    assert "new_password" in [e["parameter"] for e in body["errors"]]
    assert_alive(navixy, session)


@pytest.mark.parametrize("params, missing", [
    ({"new_password": NEW_PASSWORD}, "old_password"),
    ({"old_password": "owner-password"}, "new_password"),
])
def test_password_set_without_old_or_new_password_is_7_naming_it(navixy, params, missing):
    body = assert_error(navixy.post("/v2/user/password/set", hash=navixy.login(), **params), 7, 400)
    assert missing in [e["parameter"] for e in body["errors"]]


@pytest.mark.parametrize("new_password", ["a" * 6, "b" * 20, "with spaces ok"])
def test_password_set_accepts_6_to_20_printable_chars_and_the_new_one_logs_in(navixy, new_password):
    assert_ok(set_password(navixy, navixy.login(), "owner-password", new_password))
    navixy.login(OWNER, new_password)


# ---- password/set: rules --------------------------------------------------------------------

def test_password_set_with_a_wrong_old_password_is_248_and_keeps_sessions_and_password(navixy):
    session = navixy.login()
    assert_error(set_password(navixy, session, "not-my-password", NEW_PASSWORD), 248, 400)
    assert_alive(navixy, session)
    navixy.login(OWNER, "owner-password")
    assert_error(navixy.post("/v2/user/auth", login=OWNER, password=NEW_PASSWORD), 102, 400)


def test_password_set_to_the_same_password_is_245_and_keeps_the_session(navixy):
    session = navixy.login()
    assert_error(set_password(navixy, session, "owner-password", "owner-password"), 245, 400)
    assert_alive(navixy, session)


def test_password_set_success_ends_every_session_of_the_user_at_once(navixy):
    caller, other_tab, third = navixy.login(), navixy.login(), navixy.login()
    assert assert_ok(set_password(navixy, caller, "owner-password", NEW_PASSWORD)) == {"success": True}
    for session in (caller, other_tab, third):
        assert_dead(navixy, session)
    assert_error(navixy.post("/v2/iot/logic/flow/list", hash=other_tab), 4, 401)


def test_password_set_success_keeps_the_users_api_keys_working(navixy):
    session = navixy.login()
    key = navixy.create_key(session)
    assert_ok(set_password(navixy, session, "owner-password", NEW_PASSWORD))
    assert assert_alive(navixy, key)["user_info"]["login"] == OWNER
    assert_ok(navixy.post("/v2/iot/logic/flow/list", hash=key))
    assert key in [k["hash"] for k in assert_ok(
        navixy.post("/v2/api/key/list", hash=navixy.login(OWNER, NEW_PASSWORD)))["list"]]


def test_after_password_set_the_old_password_gets_102_and_the_new_one_logs_in(navixy):
    assert_ok(set_password(navixy, navixy.login(), "owner-password", NEW_PASSWORD))
    assert_error(navixy.post("/v2/user/auth", login=OWNER, password="owner-password"), 102, 400)
    fresh = navixy.login(OWNER, NEW_PASSWORD)
    assert_alive(navixy, fresh)


def test_password_set_leaves_other_users_sessions_alone(navixy):
    owner, sub, other = navixy.login(OWNER), navixy.login(SUBUSER), navixy.login(OTHER)
    assert_ok(set_password(navixy, sub, "subuser-password", NEW_PASSWORD))
    assert_dead(navixy, sub)
    assert_alive(navixy, owner)
    assert_alive(navixy, other)
    navixy.login(OWNER, PASSWORDS[OWNER])
    navixy.login(SUBUSER, NEW_PASSWORD)


def test_password_set_twice_needs_the_current_password_as_old(navixy):
    assert_ok(set_password(navixy, navixy.login(), "owner-password", NEW_PASSWORD))
    session = navixy.login(OWNER, NEW_PASSWORD)
    assert_error(set_password(navixy, session, "owner-password", "third-password"), 248, 400)
    assert_ok(set_password(navixy, session, NEW_PASSWORD, "third-password"))
    navixy.login(OWNER, "third-password")


# ---- inactivity -----------------------------------------------------------------------------

def test_a_session_unused_for_30_days_gets_4(navixy, clock):
    session = navixy.login()
    clock.advance(IDLE_LIMIT)
    assert_dead(navixy, session)


def test_a_session_unused_for_30_days_gets_401_on_iot_logic(navixy, clock):
    session = navixy.login()
    clock.advance(IDLE_LIMIT)
    assert_error(navixy.post("/v2/iot/logic/flow/list", hash=session), 4, 401)


def test_a_session_unused_for_29_days_23_59_59_still_works(navixy, clock):
    session = navixy.login()
    clock.advance(IDLE_LIMIT - 1)
    assert_alive(navixy, session)


def test_an_expired_session_stays_dead_and_a_new_login_works(navixy, clock):
    session = navixy.login()
    clock.advance(IDLE_LIMIT)
    assert_dead(navixy, session)
    assert_dead(navixy, session)
    assert_alive(navixy, navixy.login())


def test_the_control_plane_clock_advance_expires_sessions_too(navixy, client):
    session = navixy.login()
    assert client.post("/__mock__/clock/advance", json={"seconds": IDLE_LIMIT}).status_code == 200
    assert_dead(navixy, session)


def test_every_accepted_request_refreshes_the_session(navixy, clock):
    session = navixy.login()
    for _ in range(3):  # 87 days in all, never 30 idle
        clock.advance(IDLE_LIMIT - DAY)
        assert_ok(navixy.get("/v2/iot/logic/flow/list", hash=session))
    assert_alive(navixy, session)


def test_a_sub_user_request_that_fails_with_13_still_refreshes_the_session(navixy, clock):
    session = navixy.login(SUBUSER)
    clock.advance(IDLE_LIMIT - DAY)
    assert_error(navixy.post("/v2/api/key/list", hash=session), 13, 403)
    clock.advance(IDLE_LIMIT - DAY)  # 58 days since login, 29 since the refused call
    assert_alive(navixy, session)


@pytest.mark.parametrize("path, params, code", [
    ("/v2/user/password/set", {"old_password": "owner-password", "new_password": "short"}, 7),
    ("/v2/user/password/set", {"old_password": "wrong-password", "new_password": NEW_PASSWORD}, 248),
    ("/v2/api/key/delete", {"key": "0" * 32}, 201),
    ("/v2/user/get_info", {"unexpected": "1"}, 7),
])
def test_a_request_that_fails_after_its_credential_is_accepted_still_refreshes_the_session(
        navixy, clock, path, params, code):
    session = navixy.login()
    clock.advance(IDLE_LIMIT - DAY)
    assert_error(navixy.post(path, hash=session, **params), code, 400)
    clock.advance(IDLE_LIMIT - DAY)
    assert_alive(navixy, session)


def test_using_one_session_does_not_refresh_another_session_of_the_same_user(navixy, clock):
    idle, busy = navixy.login(), navixy.login()
    clock.advance(IDLE_LIMIT - DAY)
    assert_alive(navixy, busy)
    clock.advance(DAY)
    assert_dead(navixy, idle)
    assert_alive(navixy, busy)


def test_api_keys_never_expire(navixy, clock):
    key = navixy.create_key(navixy.login())
    clock.advance(10 * 365 * DAY)
    assert_alive(navixy, key)
    assert_ok(navixy.post("/v2/iot/logic/flow/list", hash=key))
