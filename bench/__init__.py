"""The performance harness: our append paths beside the eventsourcing library and the raw database."""
