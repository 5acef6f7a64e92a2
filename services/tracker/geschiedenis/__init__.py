"""Earlier status updates (a municipality's Burap spreadsheets) taken over into the log."""
