"""docs/configuration.md from the settings classes, so it cannot drift: `python -m koers.configdoc`."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings

from notifier.settings import NotifierSettings
from tracker.settings import TrackerSettings

SERVICES: list[tuple[str, type[BaseSettings]]] = [
    ("tracker", TrackerSettings),
    ("notifier", NotifierSettings),
]
ROOT = Path(__file__).resolve().parents[2]


def _default(settings: type[BaseSettings], name: str) -> str:
    field = settings.model_fields[name]
    if field.is_required():
        return "(verplicht)"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "—"
    if isinstance(value, Path) and value.is_absolute():
        value = value.relative_to(ROOT)
    return f"`{value}`"


def _type(settings: type[BaseSettings], name: str) -> str:
    annotation = settings.model_fields[name].annotation
    text = getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")
    return text.replace("pydantic.types.", "").replace("pathlib.", "").replace("|", "\\|")


def render() -> str:
    lines = [
        "# Configuration reference",
        "",
        "Every setting is an environment variable; this page is generated from the settings classes",
        "(`python -m koers.configdoc > docs/configuration.md`) and a test fails when it drifts.",
        "",
    ]
    for service, settings in SERVICES:
        prefix = settings.model_config.get("env_prefix", "")
        lines += [f"## {service}", "", "| variable | type | default | meaning |", "| --- | --- | --- | --- |"]
        for name, field in settings.model_fields.items():
            meaning = (field.description or "").replace("|", "/")
            cells = [f"`{prefix}{name.upper()}`", _type(settings, name), _default(settings, name), meaning]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
