"""The verified-token cache: no SELECT per request, yet revocation and expiry hold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update

from koers.db import make_engine
from tracker.auth import NewToken, Rol, TokenCache, create_token, hash_secret, revoke_token
from tracker.tables import TOKEN

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


class Clock:
    """The cache's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(tracker_url: str) -> Iterator[Engine]:
    engine = make_engine(tracker_url)
    yield engine
    engine.dispose()


def verified(engine: Engine, cache: TokenCache, **extra: object) -> tuple[str, str]:
    """A new raad token, verified once through the cache: its id and digest."""
    token_id, secret = create_token(engine, NewToken(rol=Rol.raad, **extra), NOW)  # type: ignore[arg-type]
    assert cache.authenticate(engine, hash_secret(secret), {}, NOW) is not None
    return token_id, hash_secret(secret)


def test_a_verified_token_is_answered_from_the_cache(engine: Engine) -> None:
    cache = TokenCache(5, Clock())
    token_id, digest = verified(engine, cache)
    principal = cache.get(digest, NOW)
    assert principal is not None and principal.id == token_id and principal.rol == Rol.raad


def test_a_revocation_in_this_process_voids_the_cache_at_once(engine: Engine) -> None:
    cache = TokenCache(5, Clock())
    token_id, digest = verified(engine, cache)
    assert revoke_token(engine, token_id, NOW)
    assert cache.get(digest, NOW) is None
    assert cache.authenticate(engine, digest, {}, NOW) is None


def test_a_revocation_by_another_replica_holds_once_the_cache_time_has_passed(engine: Engine) -> None:
    clock = Clock()
    cache = TokenCache(5, clock)
    token_id, digest = verified(engine, cache)
    with engine.begin() as conn:  # what another replica's revoke_token writes; this process is not told
        conn.execute(update(TOKEN).where(TOKEN.c.id == token_id).values(revoked_at=NOW))
    clock.now = 4.9
    assert cache.get(digest, NOW) is not None, "within the documented bound the cache may still answer"
    clock.now = 5.0
    assert cache.get(digest, NOW) is None
    assert cache.authenticate(engine, digest, {}, NOW) is None


def test_a_cached_token_is_refused_the_moment_it_expires(engine: Engine) -> None:
    cache = TokenCache(3600, Clock())
    _, digest = verified(engine, cache, expires_at=NOW + timedelta(minutes=1))
    assert cache.get(digest, NOW + timedelta(seconds=59)) is not None
    assert cache.get(digest, NOW + timedelta(minutes=1)) is None


def test_a_refusal_is_never_remembered(engine: Engine) -> None:
    cache = TokenCache(5, Clock())
    assert cache.authenticate(engine, hash_secret("onbekend"), {}, NOW) is None
    assert cache.get(hash_secret("onbekend"), NOW) is None


def test_with_zero_seconds_every_request_asks_the_database(engine: Engine) -> None:
    cache = TokenCache(0, Clock())
    _, digest = verified(engine, cache)
    assert cache.get(digest, NOW) is None
