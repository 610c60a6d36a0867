"""--rate-limit N: N requests per mock-clock second per user, per API key and per IP; 15 / 429."""
from __future__ import annotations

import pytest

from mockserver.app import create_app
from tests.helpers import OWNER, PASSWORDS, NavixyClient, assert_error, assert_ok

LIMIT = 3


def ip(n: int) -> dict:
    return {"REMOTE_ADDR": f"10.0.0.{n}"}


@pytest.fixture
def limited(world):
    return create_app({"RATE_LIMIT": LIMIT}, world=world).test_client()


def get_info(client, credential, ip_n: int = 1):
    return client.post("/v2/user/get_info", json={"hash": credential}, environ_overrides=ip(ip_n))


def login(client, ip_n: int = 1) -> str:
    response = client.post("/v2/user/auth", json={"login": OWNER, "password": PASSWORDS[OWNER]},
                           environ_overrides=ip(ip_n))
    return assert_ok(response)["hash"]


def assert_rate_limited(response) -> None:
    assert_error(response, 15, 429)
    assert response.headers["Retry-After"] == "1"


def test_the_rate_limit_is_off_by_default(client, navixy):
    session = navixy.login()
    for _ in range(200):  # one frozen mock second
        assert_ok(navixy.post("/v2/user/get_info", hash=session))


def test_the_n_plus_first_call_from_one_ip_in_one_mock_second_is_15_with_retry_after(limited):
    session = login(limited, ip_n=9)  # a login from elsewhere
    for _ in range(LIMIT):
        assert_ok(get_info(limited, session, ip_n=1))
    assert_rate_limited(get_info(limited, session, ip_n=1))


def test_the_next_mock_second_is_open_again(limited):
    session = login(limited, ip_n=9)
    for _ in range(LIMIT):
        assert_ok(get_info(limited, session))
    assert_rate_limited(get_info(limited, session))
    assert limited.post("/__mock__/clock/advance", json={"seconds": 1}).status_code == 200
    assert_ok(get_info(limited, session))


def test_a_users_sessions_share_one_counter_across_ips(limited):
    first, second = login(limited, ip_n=20), login(limited, ip_n=21)
    assert_ok(get_info(limited, first, ip_n=1))
    assert_ok(get_info(limited, second, ip_n=2))
    assert_ok(get_info(limited, first, ip_n=3))
    assert_rate_limited(get_info(limited, second, ip_n=4))


def test_an_api_key_is_counted_apart_from_the_users_sessions(limited):
    session = login(limited, ip_n=20)
    key = assert_ok(limited.post("/v2/api/key/create", json={"hash": session, "title": "k"},
                                 environ_overrides=ip(21)))["value"]["hash"]
    for n in range(LIMIT - 1):  # with the key create above, the user's sessions are at LIMIT
        assert_ok(get_info(limited, session, ip_n=n + 1))
    assert_rate_limited(get_info(limited, session, ip_n=5))
    for n in range(LIMIT):
        assert_ok(get_info(limited, key, ip_n=10 + n))
    assert_rate_limited(get_info(limited, key, ip_n=30))


def test_user_auth_counts_per_ip(limited):
    for _ in range(LIMIT):
        login(limited, ip_n=1)
    response = limited.post("/v2/user/auth", json={"login": OWNER, "password": PASSWORDS[OWNER]},
                            environ_overrides=ip(1))
    assert_rate_limited(response)
    login(limited, ip_n=2)


def test_the_control_plane_is_never_throttled(limited):
    for _ in range(LIMIT * 5):
        assert limited.get("/__mock__/health", environ_overrides=ip(1)).status_code == 200


def test_each_namespace_counts_on_its_own(limited):
    ns = {"X-Mock-Namespace": "team-a"}
    for _ in range(LIMIT):
        assert limited.get("/v2/user/get_info", environ_overrides=ip(1)).status_code == 400  # code 3
    assert_rate_limited(limited.get("/v2/user/get_info", environ_overrides=ip(1)))
    assert_error(limited.get("/v2/user/get_info", headers=ns, environ_overrides=ip(1)), 3, 400)


def test_reset_clears_the_counters(limited):
    for _ in range(LIMIT):
        limited.get("/v2/user/get_info", environ_overrides=ip(1))
    assert limited.post("/__mock__/reset").status_code == 200
    assert_error(limited.get("/v2/user/get_info", environ_overrides=ip(1)), 3, 400)


def test_a_rate_limited_iot_call_is_429_too(limited):
    session = login(limited, ip_n=9)
    navixy = NavixyClient(limited)
    for _ in range(LIMIT):
        assert_ok(navixy.post("/v2/iot/logic/flow/list", hash=session))
    assert_rate_limited(navixy.post("/v2/iot/logic/flow/list", hash=session))
