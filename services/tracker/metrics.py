"""The tracker's Prometheus metrics; labels are bounded (event types, kinds), never ids or people."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

EVENTS_APPENDED = Counter("koers_tracker_events_appended_total", "Events appended to the log.", ["type"])
CONFLICTS = Counter(
    "koers_tracker_conflicts_total",
    "Writes refused for concurrency: a stale If-Match (precondition), a lost race (version), a reused key.",
    ["kind"],
)
LOG_HEAD = Gauge("koers_tracker_log_head_position", "Position of the newest event this process appended.")
FEED_WAITERS = Gauge("koers_tracker_feed_waiters", "Long-polls waiting on the feed in this process.")
