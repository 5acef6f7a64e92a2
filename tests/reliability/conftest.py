"""The tracker's API client fixture, shared with the tracker's own tests."""

from tests.tracker.conftest import api

__all__ = ["api"]
