"""/v2/user/auth: the login rules of INTERFACE.md."""
import re

import pytest

from tests.helpers import INACTIVE, OWNER, SUBUSER, assert_error, assert_ok


def test_login_returns_authenticated_type_and_a_32_lowercase_hex_hash(navixy):
    body = assert_ok(navixy.post("/v2/user/auth", login=OWNER, password="owner-password"))
    assert body["type"] == "authenticated"
    assert re.fullmatch(r"[0-9a-f]{32}", body["hash"])


@pytest.mark.parametrize("send", ["post", "form", "get"])
def test_login_works_with_json_form_and_query(navixy, send):
    response = getattr(navixy, send)("/v2/user/auth", login=SUBUSER, password="subuser-password")
    assert_ok(response)


def test_each_login_gets_a_new_hash(navixy):
    assert navixy.login() != navixy.login()


def test_wrong_password_is_102(navixy):
    assert_error(navixy.post("/v2/user/auth", login=OWNER, password="nope"), 102, 400)


def test_unknown_login_is_102(navixy):
    assert_error(navixy.post("/v2/user/auth", login="ghost@example.com", password="x"), 102, 400)


def test_dealer_mismatch_is_102_and_matching_dealer_logs_in(navixy):
    assert_error(navixy.post("/v2/user/auth", login=OWNER, password="owner-password", dealer_id=999), 102, 400)
    assert_ok(navixy.post("/v2/user/auth", login=OWNER, password="owner-password", dealer_id=1))


def test_inactive_user_is_103(navixy):
    assert_error(navixy.post("/v2/user/auth", login=INACTIVE, password="inactive-password"), 103, 400)


def test_inactive_user_with_wrong_password_is_102(navixy):
    assert_error(navixy.post("/v2/user/auth", login=INACTIVE, password="wrong"), 102, 400)


@pytest.mark.parametrize("params, missing", [
    ({"password": "owner-password"}, "login"),
    ({"login": OWNER}, "password"),
    ({"login": "", "password": "owner-password"}, "login"),
    ({"login": OWNER, "password": ""}, "password"),
])
def test_missing_or_empty_login_or_password_is_7_naming_the_parameter(navixy, params, missing):
    body = assert_error(navixy.post("/v2/user/auth", **params), 7, 400)
    assert missing in [e["parameter"] for e in body["errors"]]
