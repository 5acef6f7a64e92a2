"""Pooled PostgreSQL connections that the server closed are replaced before use, with no ping each time."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from koers.db import make_engine
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres


def test_a_pooled_connection_whose_backend_was_terminated_is_replaced_before_use() -> None:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable")
    engine = make_engine(POSTGRES_URL)
    with engine.connect() as conn:
        backend = conn.scalar(text("SELECT pg_backend_pid()"))
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", (backend,)).fetchone() == (True,)
    with engine.connect() as conn:  # the same pooled connection, now closed by the server
        assert conn.scalar(text("SELECT pg_backend_pid()")) != backend
    engine.dispose()
