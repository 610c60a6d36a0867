"""Rate-limit counting without HTTP: fixed one-second windows of the mock clock."""
from __future__ import annotations

from mockserver.domain import keys, sessions
from mockserver.domain.ratelimit import API_KEY, IP, USER, RateLimiter
from tests.unit.support import OTHER, START, log_in, navixy_error


def test_n_requests_in_one_second_pass_and_the_next_is_15_with_retry_after():
    limiter = RateLimiter()
    for _ in range(3):
        limiter.hit(IP, "10.0.0.1", START + 0.1, 3)
    with navixy_error(15) as info:
        limiter.hit(IP, "10.0.0.1", START + 0.9, 3)
    assert info.value.retry_after == 1


def test_the_next_whole_second_opens_a_new_window():
    limiter = RateLimiter()
    for _ in range(2):
        limiter.hit(IP, "a", START + 0.5, 2)
    limiter.hit(IP, "a", START + 1.0, 2)
    limiter.hit(IP, "a", START + 1.99, 2)
    with navixy_error(15):
        limiter.hit(IP, "a", START + 1.999, 2)


def test_a_refused_request_does_not_count():
    limiter = RateLimiter()
    limiter.hit(IP, "a", START, 1)
    for _ in range(3):
        with navixy_error(15):
            limiter.hit(IP, "a", START, 1)
    limiter.hit(IP, "a", START + 1, 1)


def test_each_kind_and_id_has_its_own_counter():
    limiter = RateLimiter()
    limiter.hit(IP, "a", START, 1)
    limiter.hit(IP, "b", START, 1)
    limiter.hit(USER, "a", START, 1)
    limiter.hit(API_KEY, "a", START, 1)


def test_setting_the_clock_back_starts_a_fresh_window():
    limiter = RateLimiter()
    limiter.hit(IP, "a", START + 5, 1)
    limiter.hit(IP, "a", START, 1)


def test_sessions_share_their_users_counter_and_a_key_counts_on_its_own(world):
    limiter = RateLimiter()
    first, second = log_in(world), log_in(world)
    limiter.hit_principal(first, START, 1)
    with navixy_error(15):
        limiter.hit_principal(second, START, 1)  # another session of the same user
    key = keys.create(world, first, "k")
    principal = sessions.authenticate(world, key.hash)
    limiter.hit_principal(principal, START, 1)  # the key's own counter
    with navixy_error(15):
        limiter.hit_principal(principal, START, 1)
    limiter.hit_principal(log_in(world, OTHER), START, 1)  # another user
