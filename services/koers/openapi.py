"""Shape FastAPI's OpenAPI document to the NL API Design Rules (checked by their Spectral ruleset)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from koers.problems import PROBLEM_JSON, TITELS

_OPERATIONS = {"get", "put", "post", "delete", "patch"}
API_VERSION_HEADER = {
    "description": "De volledige versie van de API (semver).",
    "schema": {"type": "string", "example": "1.0.0"},
}


def nl_openapi(app: FastAPI, contact: dict[str, str]) -> dict[str, Any]:
    """Build once: API-Version on every success, problem+json on every error, a 400 where input goes in."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        servers=app.servers,
        tags=app.openapi_tags,
    )
    doc["info"]["contact"] = contact
    doc.setdefault("components", {}).setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    for item in doc.get("paths", {}).values():
        for method, operation in item.items():
            if method in _OPERATIONS:
                _shape(method, operation)
    for name in ("HTTPValidationError", "ValidationError"):
        doc["components"].get("schemas", {}).pop(name, None)
    app.openapi_schema = doc
    return doc


def _shape(method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if responses.get("422", {}).get("description") == "Validation Error":  # FastAPI's own: ours is 400
        responses.pop("422")
    if method in ("post", "put", "patch") or operation.get("parameters"):
        responses.setdefault("400", {"description": TITELS[400]})
    for code, response in responses.items():
        if code.startswith(("2", "3")):
            response.setdefault("headers", {})["API-Version"] = {"$ref": "#/components/headers/API-Version"}
        elif code.startswith(("4", "5")):
            response["content"] = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
