"""Dates and numbers the way a Dutch reader writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tracker.dashboard.notatie import datum, datumtijd, getal


def test_numbers_use_a_thousands_point_and_a_decimal_comma():
    assert [getal(x) for x in (5300, 41.9, 0, 100, 1234567.25, 60.0)] == [
        "5.300",
        "41,9",
        "0",
        "100",
        "1.234.567,25",
        "60",
    ]


def test_dates_are_written_out_in_hengelo_time():
    assert datum(date(2026, 6, 30)) == "30 juni 2026"
    assert datum(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "1 juli 2026"
    assert datumtijd(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) == "5 januari 2026, 10:00"
