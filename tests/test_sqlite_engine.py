"""SQLite connections get the pragmas the services rely on, and the page cache their service asks for."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from koers.db import make_engine


def pragmas(url: str, **options: int) -> dict[str, object]:
    engine = make_engine(url, **options)
    try:
        with engine.connect() as conn:
            return {
                name: conn.scalar(text(f"PRAGMA {name}"))
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "cache_size")
            }
    finally:
        engine.dispose()


def test_a_connection_is_in_wal_mode_with_full_sync_and_sqlites_default_cache(tmp_path: Path) -> None:
    assert pragmas(f"sqlite:///{tmp_path / 'a.db'}") == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "busy_timeout": 30000,
        "cache_size": -2000,  # KiB
    }


def test_a_service_with_few_hot_rows_can_ask_for_a_smaller_page_cache(tmp_path: Path) -> None:
    assert pragmas(f"sqlite:///{tmp_path / 'b.db'}", sqlite_cache_kib=256)["cache_size"] == -256
