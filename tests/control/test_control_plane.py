"""/__mock__: health, the mock clock (get, set, advance) and reset, as INTERFACE.md describes."""
import re
import time
from datetime import datetime, timezone

import pytest

from mockserver.app import create_app
from tests.helpers import (DAY, IDLE_LIMIT, OWNER, SUBUSER, NavixyClient, assert_error, assert_ok,
                           describe)

START_ISO = "2026-01-01T00:00:00Z"  # the conftest clock: frozen, so "now" is exact
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
FLOW = "/v2/iot/logic/flow"


def control_ok(response) -> dict:
    assert response.status_code == 200, describe(response)
    assert response.mimetype == "application/json", describe(response)
    return response.get_json()


def clock_now(client) -> str:
    now = control_ok(client.get("/__mock__/clock"))["now"]
    assert ISO_UTC.match(now), now
    return now


def set_clock(client, now):
    return client.put("/__mock__/clock", json={"now": now})


def advance(client, seconds):
    return client.post("/__mock__/clock/advance", json={"seconds": seconds})


def get_info(navixy, credential: str):
    return navixy.post("/v2/user/get_info", hash=credential)


def flows_of(navixy, session: str) -> list[dict]:
    return assert_ok(navixy.post(f"{FLOW}/list", hash=session))["list"]


# ---- health ---------------------------------------------------------------------------------

def test_health_answers_status_ok_without_a_credential(client):
    assert control_ok(client.get("/__mock__/health")) == {"status": "ok"}


def test_an_unknown_control_path_is_404_in_the_envelope(client):
    response = client.get("/__mock__/nope")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["success"] is False


def test_a_wrong_method_on_the_control_plane_is_405_in_the_envelope(client):
    response = client.get("/__mock__/reset")
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert response.get_json()["success"] is False
    assert "POST" in response.headers["Allow"]


# ---- clock ----------------------------------------------------------------------------------

def test_clock_get_returns_now_as_iso_8601_utc(client):
    assert control_ok(client.get("/__mock__/clock")) == {"now": START_ISO}


def test_clock_advance_moves_now_forward_and_returns_it(client):
    assert control_ok(advance(client, 3600)) == {"now": "2026-01-01T01:00:00Z"}
    assert control_ok(advance(client, 86400 + 61)) == {"now": "2026-01-02T01:01:01Z"}
    assert clock_now(client) == "2026-01-02T01:01:01Z"


def test_clock_advance_by_zero_or_a_fraction_is_accepted(client):
    assert control_ok(advance(client, 0)) == {"now": START_ISO}
    assert control_ok(advance(client, 1.5)) == {"now": "2026-01-01T00:00:01Z"}
    assert control_ok(advance(client, 0.5)) == {"now": "2026-01-01T00:00:02Z"}


@pytest.mark.parametrize("sent, expected", [
    ("2026-03-15T08:30:00Z", "2026-03-15T08:30:00Z"),
    ("2026-03-15T10:30:00+02:00", "2026-03-15T08:30:00Z"),
    ("2026-03-15T08:30:00+00:00", "2026-03-15T08:30:00Z"),
    ("2025-06-01T00:00:00Z", "2025-06-01T00:00:00Z"),  # backwards is allowed
    ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
])
def test_clock_set_takes_iso_8601_and_returns_now_in_utc(client, sent, expected):
    assert control_ok(set_clock(client, sent)) == {"now": expected}
    assert clock_now(client) == expected


def test_clock_set_without_a_zone_is_read_as_utc(client):
    assert control_ok(set_clock(client, "2026-03-15T08:30:00")) == {"now": "2026-03-15T08:30:00Z"}


def test_clock_advance_after_set_counts_from_the_set_time(client):
    control_ok(set_clock(client, "2030-05-05T05:05:05Z"))
    assert control_ok(advance(client, 55)) == {"now": "2030-05-05T05:06:00Z"}


@pytest.mark.parametrize("body, parameter", [
    pytest.param({"seconds": -1}, "seconds", id="negative"),
    pytest.param({"seconds": "soon"}, "seconds", id="text"),
    pytest.param({"seconds": True}, "seconds", id="boolean"),
    pytest.param({"seconds": None}, "seconds", id="null"),
    pytest.param({}, "seconds", id="missing"),
    pytest.param({"seconds": 10, "why": "x"}, "why", id="unknown-parameter"),
])
def test_clock_advance_with_bad_input_is_7_naming_the_parameter_and_leaves_the_clock(client, body, parameter):
    error = assert_error(client.post("/__mock__/clock/advance", json=body), 7, 400)
    assert parameter in [e["parameter"] for e in error["errors"]]
    assert clock_now(client) == START_ISO


def test_clock_advance_beyond_year_9999_is_7_and_leaves_the_clock(client):
    control_ok(set_clock(client, "9999-12-30T00:00:00Z"))
    error = assert_error(advance(client, 2 * DAY), 7, 400)
    assert "seconds" in [e["parameter"] for e in error["errors"]]
    assert clock_now(client) == "9999-12-30T00:00:00Z"


def test_a_huge_clock_advance_is_7_not_a_500(client):
    assert_error(advance(client, 10 ** 30), 7, 400)
    assert clock_now(client) == START_ISO


@pytest.mark.parametrize("body, parameter", [
    pytest.param({"now": "yesterday"}, "now", id="unparsable"),
    pytest.param({"now": ""}, "now", id="empty"),
    pytest.param({"now": "2026-13-01T00:00:00Z"}, "now", id="month-13"),
    pytest.param({"now": "2026-02-30T00:00:00Z"}, "now", id="february-30"),
    pytest.param({"now": "10000-01-01T00:00:00Z"}, "now", id="year-10000"),
    pytest.param({"now": "9999-12-31T23:59:59-01:00"}, "now", id="past-9999-in-utc"),
    pytest.param({"now": 1767225600}, "now", id="number"),
    pytest.param({}, "now", id="missing"),
    pytest.param({"now": START_ISO, "zone": "UTC"}, "zone", id="unknown-parameter"),
])
def test_clock_set_with_bad_input_is_7_naming_the_parameter_and_leaves_the_clock(client, body, parameter):
    error = assert_error(client.put("/__mock__/clock", json=body), 7, 400)
    assert parameter in [e["parameter"] for e in error["errors"]]
    assert clock_now(client) == START_ISO


@pytest.mark.parametrize("call", [
    lambda c: c.put("/__mock__/clock", data=b"{now", content_type="application/json"),
    lambda c: c.post("/__mock__/clock/advance", data=b"[1]", content_type="application/json"),
], ids=["set", "advance"])
def test_a_control_body_that_is_not_a_json_object_is_an_error_envelope_not_a_500(client, call):
    assert_error(call(client), 5, 400)
    assert clock_now(client) == START_ISO


def test_clock_advance_of_30_days_expires_an_idle_session(navixy, client):
    session = navixy.login()
    control_ok(advance(client, IDLE_LIMIT))
    assert_error(get_info(navixy, session), 4, 400)
    assert_error(navixy.post(f"{FLOW}/list", hash=session), 4, 401)


def test_clock_advance_of_29_days_23_59_59_keeps_a_session(navixy, client):
    session = navixy.login()
    control_ok(advance(client, IDLE_LIMIT - 1))
    assert_ok(get_info(navixy, session))


def test_clock_set_30_days_ahead_expires_an_idle_session_but_not_an_api_key(navixy, client):
    session = navixy.login()
    key = navixy.create_key(session)
    control_ok(set_clock(client, "2026-01-31T00:00:00Z"))
    assert_error(get_info(navixy, session), 4, 400)
    assert_ok(get_info(navixy, key))


# ---- reset ----------------------------------------------------------------------------------

def reset(client) -> dict:
    return control_ok(client.post("/__mock__/reset"))


def test_reset_answers_success(client):
    assert reset(client) == {"success": True}


def test_reset_removes_created_api_keys(navixy, client):
    session = navixy.login()
    key = navixy.create_key(session)
    reset(client)
    assert_error(get_info(navixy, key), 4, 400)
    assert assert_ok(navixy.post("/v2/api/key/list", hash=navixy.login()))["list"] == []


def test_reset_ends_every_session(navixy, client):
    owner, sub = navixy.login(), navixy.login(SUBUSER)
    reset(client)
    assert_error(get_info(navixy, owner), 4, 400)
    assert_error(get_info(navixy, sub), 4, 400)
    assert_ok(get_info(navixy, navixy.login()))


def test_reset_restores_deleted_changed_and_created_flows(navixy, client):
    session = navixy.login()
    before = flows_of(navixy, session)
    original_1235 = assert_ok(navixy.post(f"{FLOW}/read", hash=session, flow_id=1235))["value"]
    assert_ok(navixy.post(f"{FLOW}/delete", hash=session, flow_id=1234))
    assert_ok(navixy.post(f"{FLOW}/update", hash=session, flow={**original_1235, "title": "changed"}))
    assert_ok(navixy.post(f"{FLOW}/create", hash=session, flow={"title": "made by a test"}))
    reset(client)
    session = navixy.login()
    assert flows_of(navixy, session) == before
    assert assert_ok(navixy.post(f"{FLOW}/read", hash=session, flow_id=1235))["value"] == original_1235


def test_reset_restores_the_fixture_passwords(navixy, client):
    session = navixy.login()
    assert_ok(navixy.post("/v2/user/password/set", hash=session, old_password="owner-password",
                          new_password="changed-secret"))
    reset(client)
    assert_error(navixy.post("/v2/user/auth", login=OWNER, password="changed-secret"), 102, 400)
    navixy.login(OWNER, "owner-password")


def test_reset_restores_the_fixture_clock(client):
    control_ok(advance(client, 45 * DAY))
    control_ok(set_clock(client, "2031-07-07T07:07:07Z"))
    reset(client)
    assert clock_now(client) == START_ISO


def test_reset_twice_in_a_row_is_harmless(navixy, client):
    reset(client)
    reset(client)
    assert len(flows_of(navixy, navixy.login())) == 2


# ---- the real-time clock of the default fixture ---------------------------------------------

def _seconds(iso: str) -> float:
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


def test_the_default_fixture_clock_follows_real_time_and_reset_returns_to_it():
    client = create_app().test_client()
    assert abs(_seconds(clock_now(client)) - time.time()) < 5
    control_ok(advance(client, 10 * DAY))
    assert abs(_seconds(clock_now(client)) - (time.time() + 10 * DAY)) < 5
    session = NavixyClient(client).login()
    control_ok(client.post("/__mock__/reset"))
    assert abs(_seconds(clock_now(client)) - time.time()) < 5
    assert_error(get_info(NavixyClient(client), session), 4, 400)
