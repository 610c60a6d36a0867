"""What every Navixy endpoint shares: where the credential comes from, request shapes, the error
envelope on transport failures, date formats, and the served OpenAPI document and Swagger UI."""
import json
import re
from pathlib import Path

import pytest

from tests.helpers import OWNER, SUBUSER, assert_error, assert_ok, describe

GET_INFO = "/v2/user/get_info"
FLOW_LIST = "/v2/iot/logic/flow/list"
UNKNOWN_HASH = "0123456789abcdef0123456789abcdef"
ONE_MIB = 1024 * 1024
PLATFORM_DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SPEC_FILE = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"

# Both surfaces: code 4 is HTTP 400 on the platform and 401 on IoT Logic; code 3 is 400 on both.
SURFACES = [pytest.param(GET_INFO, 400, id="user"), pytest.param(FLOW_LIST, 401, id="iot")]


@pytest.fixture
def app(module_app):
    """Overrides conftest's app: one app per module, reset to the fixture before each test, as
    the pytest plugin does for users. An app per case (~230 here) would dominate the run time."""
    module_app.extensions["mockserver"].world.reset()
    return module_app


@pytest.fixture
def clock(app):
    return app.extensions["mockserver"].world.clock


def nvx(credential: str) -> dict:
    return {"Authorization": f"NVX {credential}"}


# ---- where the credential comes from --------------------------------------------------------

@pytest.mark.parametrize("path, unknown_status", SURFACES)
def test_a_bad_hash_in_the_body_wins_over_a_good_one_in_the_query(navixy, client, path, unknown_status):
    good = navixy.login()
    assert_error(client.post(path, query_string={"hash": good}, json={"hash": UNKNOWN_HASH}),
                 4, unknown_status)
    assert_error(client.post(path, query_string={"hash": good}, json={"hash": "nope"}), 3, 400)


def test_a_bad_hash_in_a_form_body_wins_over_a_good_one_in_the_query(navixy, client):
    good = navixy.login()
    response = client.post(GET_INFO, query_string={"hash": good}, data={"hash": UNKNOWN_HASH})
    assert_error(response, 4, 400)


@pytest.mark.parametrize("path, unknown_status", SURFACES)
def test_a_bad_hash_in_the_query_wins_over_a_good_authorization_header(navixy, client, path, unknown_status):
    good = navixy.login()
    assert_error(client.get(path, query_string={"hash": UNKNOWN_HASH}, headers=nvx(good)),
                 4, unknown_status)


def test_a_good_hash_in_the_body_wins_over_bad_ones_in_the_query_and_header(navixy, client):
    good = navixy.login()
    response = client.post(GET_INFO, query_string={"hash": UNKNOWN_HASH},
                           headers=nvx(UNKNOWN_HASH), json={"hash": good})
    assert assert_ok(response)["user_info"]["login"] == OWNER


def test_a_good_hash_in_the_query_is_used_without_reading_the_authorization_header(navixy, client):
    good = navixy.login()
    response = client.get(GET_INFO, query_string={"hash": good}, headers={"Authorization": "Bearer x"})
    assert assert_ok(response)["user_info"]["login"] == OWNER


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", [GET_INFO, FLOW_LIST])
def test_an_nvx_authorization_header_alone_is_a_valid_credential(navixy, client, method, path):
    session = navixy.login()
    assert_ok(getattr(client, method)(path, headers=nvx(session)))
    key = navixy.create_key(session)
    assert_ok(getattr(client, method)(path, headers=nvx(key)))


MALFORMED = [
    pytest.param({}, id="none"),
    pytest.param({"json": {"hash": ""}}, id="empty-body"),
    pytest.param({"query_string": {"hash": ""}}, id="empty-query"),
    pytest.param({"headers": {"Authorization": "NVX "}}, id="empty-header"),
    pytest.param({"headers": {"Authorization": ""}}, id="blank-header"),
    pytest.param({"json": {"hash": "a" * 31}}, id="31-chars"),
    pytest.param({"query_string": {"hash": "a" * 33}}, id="33-chars"),
    pytest.param({"json": {"hash": "g" * 32}}, id="non-hex"),
    pytest.param({"json": {"hash": "0123456789abcdef 123456789abcdef"}}, id="space-inside"),
    pytest.param({"json": {"hash": 12345678901234567890123456789012}}, id="number"),
    pytest.param({"json": {"hash": None}}, id="null"),
    pytest.param({"json": {"hash": [UNKNOWN_HASH]}}, id="list"),
    pytest.param({"headers": {"Authorization": "NVX" + UNKNOWN_HASH}}, id="NVX-without-space"),
    pytest.param({"headers": {"Authorization": "Bearer " + UNKNOWN_HASH}}, id="Bearer"),
    pytest.param({"headers": {"Authorization": "NVX  " + UNKNOWN_HASH}}, id="NVX-two-spaces"),
    pytest.param({"headers": {"Authorization": UNKNOWN_HASH}}, id="bare-header"),
    pytest.param({"headers": {"Authorization": "NVX " + "a" * 31}}, id="header-31-chars"),
]


@pytest.mark.parametrize("path", [GET_INFO, FLOW_LIST, "/v2/api/key/list", "/v2/user/logout"])
@pytest.mark.parametrize("request_kwargs", MALFORMED)
def test_a_missing_or_malformed_credential_is_3_with_http_400_on_every_surface(
        client, path, request_kwargs):
    assert_error(client.post(path, **request_kwargs), 3, 400)


@pytest.mark.parametrize("path, unknown_status", SURFACES)
@pytest.mark.parametrize("request_kwargs", [
    pytest.param({"json": {"hash": UNKNOWN_HASH}}, id="body"),
    pytest.param({"data": {"hash": UNKNOWN_HASH}}, id="form"),
    pytest.param({"query_string": {"hash": UNKNOWN_HASH}}, id="query"),
    pytest.param({"headers": nvx(UNKNOWN_HASH)}, id="header"),
    pytest.param({"json": {"hash": UNKNOWN_HASH.upper()}}, id="upper-case-unknown"),
])
def test_a_well_formed_unknown_credential_is_4_http_400_on_user_and_401_on_iot(
        client, path, unknown_status, request_kwargs):
    assert_error(client.post(path, **request_kwargs), 4, unknown_status)


@pytest.mark.parametrize("path, unknown_status", SURFACES)
def test_an_upper_cased_valid_session_or_key_is_unknown_and_gets_4(navixy, path, unknown_status):
    session = navixy.login()
    key = navixy.create_key(session)
    for credential in (session, key):
        assert_error(navixy.post(path, hash=credential.upper()), 4, unknown_status)
        assert_ok(navixy.post(path, hash=credential))


# ---- request shapes -------------------------------------------------------------------------

def _send(client, style: str, path: str, params: dict):
    if style == "get-query":
        return client.get(path, query_string=params)
    if style == "post-json":
        return client.post(path, json=params)
    if style == "post-form":
        return client.post(path, data=params)
    return client.post(path, query_string=params)  # "post-query": POST, no body


STYLES = ["get-query", "post-json", "post-form", "post-query"]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("path, params, check", [
    pytest.param(GET_INFO, {}, lambda body: body["user_info"]["login"] == OWNER, id="get_info"),
    pytest.param("/v2/api/key/list", {}, lambda body: body["list"] == [], id="key-list"),
    pytest.param("/v2/api/key/create", {"title": "from any style"},
                 lambda body: body["value"]["title"] == "from any style", id="key-create"),
    pytest.param(FLOW_LIST, {}, lambda body: {1234, 1235} <= {f["id"] for f in body["list"]},
                 id="flow-list"),
    pytest.param("/v2/iot/logic/flow/read", {"flow_id": 1234},
                 lambda body: body["value"]["id"] == 1234, id="flow-read"),
    pytest.param("/v2/user/session/renew", {}, lambda body: body == {"success": True}, id="renew"),
])
def test_endpoints_accept_get_query_post_json_post_form_and_post_with_a_query_string(
        navixy, client, style, path, params, check):
    body = assert_ok(_send(client, style, path, {"hash": navixy.login(), **params}))
    assert check(body), body


@pytest.mark.parametrize("style", STYLES)
def test_login_accepts_every_request_style(client, style):
    response = _send(client, style, "/v2/user/auth", {"login": OWNER, "password": "owner-password"})
    assert assert_ok(response)["type"] == "authenticated"


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("path", ["/v2/user/auth/", "/v2/user/get_info/", FLOW_LIST + "/",
                                  "/v2/api/key/list/"])
def test_a_trailing_slash_reaches_the_same_endpoint(navixy, client, style, path):
    if path == "/v2/user/auth/":
        params = {"login": OWNER, "password": "owner-password"}
    else:
        params = {"hash": navixy.login()}
    assert_ok(_send(client, style, path, params))


def test_a_trailing_slash_keeps_error_statuses_path_dependent(client):
    assert_error(client.post(FLOW_LIST + "/", json={"hash": UNKNOWN_HASH}), 4, 401)
    assert_error(client.post(GET_INFO + "/", json={"hash": UNKNOWN_HASH}), 4, 400)


# ---- transport errors -----------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", ["/v2/user/nope", "/v2/iot/logic/flow/nope", "/v2/api/key",
                                  "/nothing/here", "/v2"])
def test_an_unknown_path_is_http_404_in_the_navixy_envelope(client, method, path):
    response = getattr(client, method)(path, json={"hash": UNKNOWN_HASH})
    assert response.status_code == 404, describe(response)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["success"] is False
    assert isinstance(body["status"]["code"], int) and body["status"]["description"]


@pytest.mark.parametrize("method, path", [
    ("put", "/v2/user/auth"), ("delete", "/v2/user/get_info"), ("patch", "/v2/api/key/create"),
    ("put", FLOW_LIST), ("delete", "/v2/iot/logic/flow/delete"),
])
def test_a_wrong_method_is_http_405_in_the_envelope_with_the_allow_header(client, method, path):
    response = getattr(client, method)(path, json={})
    assert response.status_code == 405, describe(response)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["success"] is False and body["status"]["description"]
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "POST"} <= allowed


@pytest.mark.parametrize("path", ["/v2/user/auth", FLOW_LIST])
def test_an_options_request_is_still_answered_in_json_with_the_allowed_methods(client, path):
    response = client.options(path)
    assert response.mimetype == "application/json", describe(response)
    response.get_json()
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


INVALID_JSON = [
    pytest.param(b"{not json", id="garbage"),
    pytest.param(b'{"login": ', id="truncated"),
    pytest.param(b'{"login": "a",}', id="trailing-comma"),
    pytest.param(b"\xff\xfe\x00{", id="not-utf8"),
    pytest.param(b'{"hash": NaN}', id="NaN"),
    pytest.param(b'{"hash": Infinity}', id="Infinity"),
]


@pytest.mark.parametrize("path", ["/v2/user/auth", GET_INFO, FLOW_LIST, "/v2/iot/logic/flow/create"])
@pytest.mark.parametrize("raw", INVALID_JSON)
def test_a_body_that_is_not_valid_json_is_5_with_http_400(client, path, raw):
    assert_error(client.post(path, data=raw, content_type="application/json"), 5, 400)


def test_invalid_json_sent_as_text_plain_is_also_5(client):
    assert_error(client.post(GET_INFO, data=b"{oops", content_type="text/plain"), 5, 400)


@pytest.mark.parametrize("path", ["/v2/user/auth", GET_INFO, FLOW_LIST])
@pytest.mark.parametrize("raw", [b"[]", b'["a"]', b'"text"', b"42", b"null", b"true"])
def test_a_json_body_that_is_not_an_object_is_5(client, path, raw):
    assert_error(client.post(path, data=raw, content_type="application/json"), 5, 400)


DEEP_JSON = "[" * 100_000 + "]" * 100_000  # valid JSON, far deeper than Python's recursion limit


@pytest.mark.parametrize("path", ["/v2/user/auth", GET_INFO, FLOW_LIST, "/__mock__/clock/advance"])
def test_a_deeply_nested_json_body_is_5_and_never_a_500(client, path):
    raw = ('{"a": ' + DEEP_JSON + "}").encode()
    assert_error(client.post(path, data=raw, content_type="application/json"), 5, 400)


@pytest.mark.parametrize("send", ["get", "form"])
def test_deeply_nested_json_text_in_the_flow_parameter_is_7_and_never_a_500(navixy, send):
    response = getattr(navixy, send)("/v2/iot/logic/flow/create", hash=navixy.login(), flow=DEEP_JSON)
    body = assert_error(response, 7, 400)
    assert "flow" in [e["parameter"] for e in body["errors"]]


def _json_of_size(params: dict, size: int) -> bytes:
    raw = json.dumps(params).encode()
    return raw + b" " * (size - len(raw))  # trailing whitespace keeps it valid JSON


@pytest.mark.parametrize("path", ["/v2/user/auth", GET_INFO, FLOW_LIST, "/v2/iot/logic/flow/create"])
def test_a_json_body_over_1_mib_is_9_with_http_412(client, path):
    raw = _json_of_size({"hash": UNKNOWN_HASH}, ONE_MIB + 1)
    assert_error(client.post(path, data=raw, content_type="application/json"), 9, 412)


@pytest.mark.parametrize("path", ["/v2/user/auth", "/v2/api/key/create"])
def test_a_form_body_over_1_mib_is_9_with_http_412(client, path):
    response = client.post(path, data={"title": "x" * ONE_MIB, "login": OWNER})
    assert_error(response, 9, 412)


def test_a_json_body_of_exactly_1_mib_is_accepted(client):
    raw = _json_of_size({"login": OWNER, "password": "owner-password"}, ONE_MIB)
    assert len(raw) == ONE_MIB
    assert_ok(client.post("/v2/user/auth", data=raw, content_type="application/json"))


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("path", [GET_INFO, "/v2/api/key/list", FLOW_LIST])
def test_an_unknown_parameter_is_7_naming_it(navixy, client, style, path):
    response = _send(client, style, path, {"hash": navixy.login(), "surprise": "1"})
    body = assert_error(response, 7, 400)
    assert "surprise" in [e["parameter"] for e in body["errors"]]
    assert all(isinstance(e["error"], str) and e["error"] for e in body["errors"])


def test_an_unknown_parameter_on_login_is_7_naming_it(navixy):
    body = assert_error(navixy.post("/v2/user/auth", login=OWNER, password="owner-password",
                                    remember_me=True), 7, 400)
    assert "remember_me" in [e["parameter"] for e in body["errors"]]


def test_a_hash_sent_in_both_body_and_query_is_a_credential_not_an_unknown_parameter(navixy, client):
    session = navixy.login()
    assert_ok(client.post(GET_INFO, query_string={"hash": session}, json={"hash": session}))
    assert_ok(client.get(GET_INFO, query_string={"hash": session}, headers=nvx(session)))


# ---- dates ----------------------------------------------------------------------------------

def test_platform_dates_are_yyyy_mm_dd_hh_mm_ss(navixy, clock):
    clock.advance(3661)
    session = navixy.login()
    created = assert_ok(navixy.post("/v2/api/key/create", hash=session, title="dated"))["value"]
    assert PLATFORM_DATE.match(created["create_date"])
    assert created["create_date"] == "2026-01-01 01:01:01"
    listed = assert_ok(navixy.post("/v2/user/api_key/list", hash=session))["list"]
    assert [k["create_date"] for k in listed] == ["2026-01-01 01:01:01"]
    for login in (OWNER, SUBUSER):
        info = assert_ok(navixy.post(GET_INFO, hash=navixy.login(login)))["user_info"]
        assert PLATFORM_DATE.match(info["creation_date"]), info


def test_iot_logic_modified_is_iso_8601_utc_with_z(navixy, clock):
    session = navixy.login()
    clock.advance(90)
    assert_ok(navixy.post("/v2/iot/logic/flow/create", hash=session, flow={"title": "dated"}))
    flows = assert_ok(navixy.post(FLOW_LIST, hash=session))["list"]
    assert all(ISO_UTC.match(f["modified"]) for f in flows), flows
    assert {f["title"]: f["modified"] for f in flows}["dated"] == "2026-01-01T00:01:30Z"
    assert {f["id"]: f["modified"] for f in flows}[1234] == "2024-01-15T10:30:00Z"


# ---- OpenAPI and Swagger UI -----------------------------------------------------------------

def test_openapi_json_is_served_as_the_committed_document_without_servers(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec == json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    assert "servers" not in spec
    assert {"/v2/user/auth", "/v2/user/password/set", "/v2/api/key/create", FLOW_LIST} <= set(spec["paths"])


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', html) + re.findall(r'<link[^>]*\shref="([^"]+)"', html)


def test_docs_is_swagger_ui_html_whose_scripts_and_styles_are_local(client):
    response = client.get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    urls = _asset_urls(html)
    assert any(u.endswith(".js") for u in urls) and any(u.endswith(".css") for u in urls), urls
    assert not re.search(r"""(src|href|url)\s*[=:]\s*["'](https?:)?//""", html), html
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, (url, asset.status_code)
        assert asset.get_data(), url
