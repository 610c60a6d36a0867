"""/v2/api/key/* and /v2/user/api_key/*: the API key rules of INTERFACE.md, in both families."""
import re
from dataclasses import dataclass

import pytest

from tests.helpers import OTHER, SUBUSER, assert_error, assert_ok

HEX32 = re.compile(r"[0-9a-f]{32}")
PLATFORM_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
MAX_KEYS = 20


@dataclass(frozen=True)
class Family:
    prefix: str
    delete_param: str

    def path(self, action: str) -> str:
        return f"{self.prefix}/{action}"


REFERENCE = Family("/v2/api/key", "key")
GUIDE = Family("/v2/user/api_key", "api_key")
FAMILIES = [pytest.param(REFERENCE, id="api-key"), pytest.param(GUIDE, id="user-api-key")]


def create_key(navixy, session: str, family: Family = REFERENCE, title: str = "key") -> str:
    return navixy.create_key(session, title=title, path=family.path("create"))


def listed(navixy, session: str, family: Family = REFERENCE) -> list[dict]:
    return assert_ok(navixy.post(family.path("list"), hash=session))["list"]


def listed_hashes(navixy, session: str, family: Family = REFERENCE) -> list[str]:
    return [k["hash"] for k in listed(navixy, session, family)]


def delete_key(navixy, session: str, key: str, family: Family = REFERENCE):
    return navixy.post(family.path("delete"), hash=session, **{family.delete_param: key})


def get_info(navixy, credential: str):
    return navixy.post("/v2/user/get_info", hash=credential)


# ---- create ---------------------------------------------------------------------------------

def test_api_key_create_returns_hash_create_date_and_title_under_value(navixy, clock):
    session = navixy.login()
    clock.advance(90)
    body = assert_ok(navixy.post("/v2/api/key/create", hash=session, title="My Super App"))
    value = body["value"]
    assert set(value) == {"hash", "create_date", "title"}
    assert HEX32.fullmatch(value["hash"])
    assert value["create_date"] == "2026-01-01 00:01:30"  # the mock clock, yyyy-MM-dd HH:mm:ss
    assert value["title"] == "My Super App"


def test_user_api_key_create_returns_the_bare_hash_as_value(navixy):
    session = navixy.login()
    body = assert_ok(navixy.post("/v2/user/api_key/create", hash=session, title="guide key"))
    assert isinstance(body["value"], str) and HEX32.fullmatch(body["value"])
    assert body["value"] in listed_hashes(navixy, session)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("send", ["post", "form", "get"])
def test_create_works_with_json_form_and_query(navixy, family, send):
    session = navixy.login()
    assert_ok(getattr(navixy, send)(family.path("create"), hash=session, title="sent"))
    assert [k["title"] for k in listed(navixy, session)] == ["sent"]


@pytest.mark.parametrize("family", FAMILIES)
def test_a_created_key_is_a_working_credential(navixy, family):
    key = create_key(navixy, navixy.login(), family)
    assert assert_ok(get_info(navixy, key))["user_info"]["login"] == "owner@example.com"


@pytest.mark.parametrize("family", FAMILIES)
def test_a_printable_unicode_title_of_255_characters_is_accepted_and_kept(navixy, family):
    session = navixy.login()
    title = "Ключ ✓ " + "x" * 248
    assert len(title) == 255
    create_key(navixy, session, family, title=title)
    assert [k["title"] for k in listed(navixy, session)] == [title]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("params", [
    pytest.param({}, id="missing"),
    pytest.param({"title": ""}, id="empty"),
    pytest.param({"title": "x" * 256}, id="256-chars"),
    pytest.param({"title": "tab\there"}, id="control-char-tab"),
    pytest.param({"title": "bell\x07"}, id="control-char-bel"),
    pytest.param({"title": "line\n"}, id="trailing-newline"),
])
def test_title_is_required_printable_and_at_most_255_characters_else_7(navixy, family, params):
    session = navixy.login()
    body = assert_error(navixy.post(family.path("create"), hash=session, **params), 7, 400)
    assert "title" in [e["parameter"] for e in body["errors"]]
    assert listed(navixy, session) == []


# ---- one store for both families ------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
def test_list_shows_keys_created_by_either_family(navixy, family):
    session = navixy.login()
    by_reference = create_key(navixy, session, REFERENCE, title="reference")
    by_guide = create_key(navixy, session, GUIDE, title="guide")
    keys = listed(navixy, session, family)
    assert [(k["hash"], k["title"]) for k in keys] == [(by_reference, "reference"), (by_guide, "guide")]
    for key in keys:
        assert set(key) == {"hash", "create_date", "title"}
        assert PLATFORM_DATE.fullmatch(key["create_date"])


@pytest.mark.parametrize("created_by", FAMILIES)
@pytest.mark.parametrize("deleted_by", FAMILIES)
def test_a_key_from_either_family_can_be_deleted_through_either_family(navixy, created_by, deleted_by):
    session = navixy.login()
    key = create_key(navixy, session, created_by)
    assert assert_ok(delete_key(navixy, session, key, deleted_by)) == {"success": True}
    assert listed_hashes(navixy, session) == []


def test_a_new_account_lists_no_keys(navixy):
    assert listed(navixy, navixy.login(OTHER)) == []


# ---- 20-key limit ---------------------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
def test_the_21st_key_is_268_over_quota_with_http_402_and_the_list_keeps_20(navixy, family):
    session = navixy.login()
    for i in range(MAX_KEYS):
        create_key(navixy, session, REFERENCE if i % 2 else GUIDE, title=f"key {i}")
    assert_error(navixy.post(family.path("create"), hash=session, title="one too many"), 268, 402)
    keys = listed(navixy, session)
    assert len(keys) == MAX_KEYS
    assert "one too many" not in [k["title"] for k in keys]


def test_deleting_a_key_at_the_limit_frees_one_slot(navixy):
    session = navixy.login()
    hashes = [create_key(navixy, session, title=f"key {i}") for i in range(MAX_KEYS)]
    assert_ok(delete_key(navixy, session, hashes[0]))
    create_key(navixy, session, title="replacement")
    assert_error(navixy.post("/v2/api/key/create", hash=session, title="again"), 268, 402)
    assert len(listed(navixy, session)) == MAX_KEYS


def test_the_limit_is_per_account(navixy):
    session = navixy.login()
    for i in range(MAX_KEYS):
        create_key(navixy, session, title=f"key {i}")
    other = navixy.login(OTHER)
    create_key(navixy, other, title="other's first")
    assert [k["title"] for k in listed(navixy, other)] == ["other's first"]


# ---- who may manage keys --------------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("action, params", [
    ("create", {"title": "sub"}),
    ("list", {}),
    ("delete", None),
])
def test_a_sub_users_session_is_13_with_http_403(navixy, family, action, params):
    owner = navixy.login()
    key = create_key(navixy, owner)
    if params is None:
        params = {family.delete_param: key}
    assert_error(navixy.post(family.path(action), hash=navixy.login(SUBUSER), **params), 13, 403)
    assert listed_hashes(navixy, owner) == [key]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("action, params", [
    ("create", {"title": "by key"}),
    ("list", {}),
    ("delete", None),
])
def test_an_api_key_as_the_credential_on_a_key_endpoint_is_4(navixy, family, action, params):
    session = navixy.login()
    key = create_key(navixy, session)
    if params is None:
        params = {family.delete_param: key}
    assert_error(navixy.post(family.path(action), hash=key, **params), 4, 400)
    assert listed_hashes(navixy, session) == [key]


def test_an_api_key_in_the_authorization_header_on_a_key_endpoint_is_4(navixy):
    key = create_key(navixy, navixy.login())
    response = navixy.client.get("/v2/api/key/list", headers={"Authorization": f"NVX {key}"})
    assert_error(response, 4, 400)


# ---- delete ---------------------------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
def test_deleting_an_unknown_key_is_201(navixy, family):
    session = navixy.login()
    kept = create_key(navixy, session)
    assert_error(delete_key(navixy, session, "0" * 32, family), 201, 400)
    assert listed_hashes(navixy, session) == [kept]


@pytest.mark.parametrize("family", FAMILIES)
def test_deleting_another_accounts_key_is_201_and_that_key_still_works(navixy, family):
    other = navixy.login(OTHER)
    others_key = create_key(navixy, other)
    assert_error(delete_key(navixy, navixy.login(), others_key, family), 201, 400)
    assert listed_hashes(navixy, other) == [others_key]
    assert assert_ok(get_info(navixy, others_key))["user_info"]["login"] == OTHER


@pytest.mark.parametrize("family", FAMILIES)
def test_deleting_the_same_key_twice_is_201_the_second_time(navixy, family):
    session = navixy.login()
    key = create_key(navixy, session)
    assert_ok(delete_key(navixy, session, key, family))
    assert_error(delete_key(navixy, session, key, family), 201, 400)


@pytest.mark.parametrize("family", FAMILIES)
def test_delete_without_the_key_parameter_is_7_naming_it(navixy, family):
    body = assert_error(navixy.post(family.path("delete"), hash=navixy.login()), 7, 400)
    assert family.delete_param in [e["parameter"] for e in body["errors"]]


@pytest.mark.parametrize("family", FAMILIES)
def test_a_deleted_key_fails_with_4_at_once(navixy, family):
    session = navixy.login()
    key = create_key(navixy, session)
    kept = create_key(navixy, session, title="kept")
    assert_ok(get_info(navixy, key))
    assert_ok(delete_key(navixy, session, key, family))
    assert_error(get_info(navixy, key), 4, 400)
    assert_error(navixy.post("/v2/iot/logic/flow/list", hash=key), 4, 401)
    assert_ok(get_info(navixy, kept))


# ---- lifetime -------------------------------------------------------------------------------

def test_keys_survive_logout_of_the_session_that_created_them(navixy):
    session = navixy.login()
    key = create_key(navixy, session)
    assert_ok(navixy.post("/v2/user/logout", hash=session))
    assert_ok(get_info(navixy, key))
    assert listed_hashes(navixy, navixy.login()) == [key]


def test_keys_survive_a_password_change(navixy):
    session = navixy.login()
    key = create_key(navixy, session)
    assert_ok(navixy.post("/v2/user/password/set", hash=session,
                          old_password="owner-password", new_password="new-password"))
    assert_error(get_info(navixy, session), 4, 400)
    assert_ok(get_info(navixy, key))
    assert listed_hashes(navixy, navixy.login(password="new-password")) == [key]


def test_keys_do_not_expire_with_the_mock_clock(navixy, clock):
    key = create_key(navixy, navixy.login())
    clock.advance(400 * 24 * 3600)
    assert_ok(get_info(navixy, key))


# ---- the key as a credential ----------------------------------------------------------------

@pytest.mark.parametrize("where", ["json-body", "form-body", "query", "header"])
def test_a_key_works_as_credential_in_body_query_and_nvx_header(navixy, where):
    key = create_key(navixy, navixy.login())
    client = navixy.client
    response = {
        "json-body": lambda: client.post("/v2/user/get_info", json={"hash": key}),
        "form-body": lambda: client.post("/v2/user/get_info", data={"hash": key}),
        "query": lambda: client.get("/v2/user/get_info", query_string={"hash": key}),
        "header": lambda: client.get("/v2/user/get_info", headers={"Authorization": f"NVX {key}"}),
    }[where]()
    assert assert_ok(response)["user_info"]["login"] == "owner@example.com"


def test_an_upper_cased_key_is_unknown(navixy):
    key = create_key(navixy, navixy.login())
    if key.upper() == key:  # all digits, about once in four million keys
        pytest.skip("this key has no letters to upper-case")
    assert_error(get_info(navixy, key.upper()), 4, 400)
