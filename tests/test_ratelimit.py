"""The token bucket alone, with a clock the test moves."""

from __future__ import annotations

from koers.ratelimit import TokenBuckets, retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_writes_wait_for_the_refill() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == 1.0
    clock.now += 1
    assert buckets.take("a") == 0.0


def test_each_token_has_its_own_bucket() -> None:
    buckets = TokenBuckets(per_minute=60, burst=1, clock=Clock())
    assert buckets.take("a") == 0.0 and buckets.take("b") == 0.0
    assert buckets.take("a") > 0


def test_zero_per_minute_switches_the_limit_off() -> None:
    buckets = TokenBuckets(per_minute=0, burst=0, clock=Clock())
    assert all(buckets.take("a") == 0.0 for _ in range(1000))


def test_retry_after_is_whole_seconds_and_at_least_one() -> None:
    assert (retry_after(0.01), retry_after(1.2)) == ("1", "2")
