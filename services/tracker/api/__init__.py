"""The REST API under /api/v1: thin routers over the write side and the read side."""
