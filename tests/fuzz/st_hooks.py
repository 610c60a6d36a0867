"""schemathesis hooks: log in as the fixture owner, and Navixy's own versions of two checks.

Navixy answers a missing or malformed hash with code 3 and an unknown one with code 4, both
HTTP 400 outside /v2/iot/logic (INTERFACE.md). schemathesis' `ignored_auth` insists on 401/403,
so it is replaced by `navixy_auth_enforced`, which asserts the Navixy codes instead. Likewise
Navixy answers business rules (102, 201, 245, 248, 268) with 400/402, so positive data may
legitimately get them; `schema_valid_request_is_not_reported_invalid` keeps the point of
`positive_data_acceptance`: a request the spec allows is never refused as malformed (5 or 7).
"""
from __future__ import annotations

import os

import requests
import schemathesis

BASE = os.environ.get("NAVIXY_MOCK_URL", "http://127.0.0.1:8765")
OWNER = {"login": "owner@example.com", "password": "owner-password"}
UNKNOWN_HASH = "0" * 32


def _login() -> str:
    response = requests.post(f"{BASE}/v2/user/auth", json=OWNER, timeout=10)
    if response.status_code != 200:  # the fuzzer changed the owner's password: start over
        requests.post(f"{BASE}/__mock__/reset", timeout=10)
        response = requests.post(f"{BASE}/v2/user/auth", json=OWNER, timeout=10)
    return response.json()["hash"]


def _negative(case) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_negative


@schemathesis.auth(refresh_interval=None).apply_to(path_regex="^/v2/(?!user/auth$)")
class OwnerSession:
    """A fresh owner session per case: the fuzzer may log out, expire or reset the last one."""

    def get(self, case, ctx):
        return _login()

    def set(self, case, data, ctx):
        if _negative(case):  # leave broken credentials broken
            return
        if case.method == "POST" and isinstance(case.body, dict):
            case.body = {**case.body, "hash": data}
        else:
            case.headers = {**(case.headers or {}), "Authorization": f"NVX {data}"}


@schemathesis.hook
def after_call(ctx, case, response):
    """Remove every fault right after any call to /__mock__/faults.

    The fuzzer creates valid faults too (a 500 or a dropped connection on "*", a 30 s delay on
    /v2/user/auth, ...); left in place, one would fail every later case and the auth hook's
    login. The hook runs before the checks, so their follow-up requests see no fault either.
    The endpoints themselves are still fuzzed: each call is sent and checked as usual.
    """
    if case.path.startswith("/__mock__/faults"):
        requests.delete(f"{BASE}/__mock__/faults", timeout=10)


@schemathesis.hook("after_call")
def reset_after_a_loaded_snapshot(ctx, case, response):
    """Back to the fixture right after PUT /__mock__/state accepted a document.

    A valid random snapshot replaces the whole world: users, sessions, keys and the clock. The
    auth hook's _login() resets when the owner's login fails, but only before a /v2 case; until
    then control cases would run on the random world, and one loaded last (its clock frozen
    anywhere in 1970-9999, sessions issued before a password change) would still be there when
    the suite checks /__mock__/invariants after the run.
    """
    if case.path == "/__mock__/state" and case.method == "PUT" and response.status_code == 200:
        requests.post(f"{BASE}/__mock__/reset", timeout=10)


@schemathesis.check
def navixy_envelope(ctx, response, case):
    """Every answer is JSON; 200 means success:true; anything else is the error envelope."""
    if _no_body(response):
        return None
    body = _json(response)
    if case.path.startswith("/__mock__"):
        return None if response.status_code == 200 else _assert_envelope(body, response)
    if response.status_code == 200:
        assert body.get("success") is True, f"HTTP 200 without success:true: {body}"
        return None
    return _assert_envelope(body, response)


def _json(response) -> dict:
    try:
        return response.json()
    except ValueError:
        raise AssertionError(f"not JSON: HTTP {response.status_code} "
                             f"{response.headers.get('Content-Type')} {response.text[:200]!r}") from None


def _no_body(response) -> bool:
    # HEAD and Flask's automatic OPTIONS answer carry no body.
    return response.request.method in ("HEAD", "OPTIONS") or not response.content


def _assert_envelope(body, response):
    assert body.get("success") is False, f"error without success:false: {body}"
    status = body.get("status") or {}
    assert isinstance(status.get("code"), int) and status.get("description"), f"bad status: {body}"
    assert response.status_code != 200
    return None


@schemathesis.check
def schema_valid_request_is_not_reported_invalid(ctx, response, case):
    # The control plane is exempt: whether a clock move is in range depends on the clock.
    if (_negative(case) or _no_body(response) or response.status_code == 200
            or case.path.startswith("/__mock__")):
        return None
    code = (_json(response).get("status") or {}).get("code")
    assert code not in (5, 7), (
        f"the spec allows this request but the server refused it as malformed: {response.text}")
    return None


@schemathesis.check
def navixy_auth_enforced(ctx, response, case):
    """After a success on a secured Navixy call, the same call without the credential is code 3
    and with an unknown well-formed hash is code 4."""
    if (response.status_code != 200 or not case.path.startswith("/v2/")
            or case.path == "/v2/user/auth" or case.method != "POST"
            or not isinstance(case.body, dict) or "hash" not in case.body):
        return None
    for credential, expected in ((None, 3), (UNKNOWN_HASH, 4)):
        body = {k: v for k, v in case.body.items() if k != "hash"}
        if credential is not None:
            body["hash"] = credential
        probe = requests.post(f"{BASE}{case.formatted_path}", json=body, timeout=10)
        got = probe.json().get("status", {}).get("code")
        assert probe.status_code != 200 and got == expected, (
            f"{case.path} without a valid hash: expected code {expected}, got "
            f"HTTP {probe.status_code} {probe.text}")
    return None
