"""Koersmonitor tracker: the event log, projections, API, feed and dashboard."""
