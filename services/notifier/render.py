"""Notifications as Dutch mail (plain text + HTML, escaped) and as a webhook body chat bridges can show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifier.notificatie import Notificatie

_templates = Environment(
    loader=PackageLoader("notifier", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, slots=True)
class Mail:
    onderwerp: str
    tekst: str
    html: str


def actie_link(dashboard_url: str, actie: str | None) -> str | None:
    return f"{dashboard_url.rstrip('/')}/acties/{actie}" if actie else None


def mail(notificatie: Notificatie, dashboard_url: str) -> Mail:
    context = {"n": notificatie, "link": actie_link(dashboard_url, notificatie.actie)}
    tekst = _templates.get_template("mail.txt").render(context)
    return Mail(notificatie.onderwerp, tekst, _templates.get_template("mail.html").render(context))


def webhook_body(notificatie: Notificatie, dashboard_url: str, timestamp: str) -> dict[str, Any]:
    """Standard Webhooks' {type, timestamp, data}, plus `text` that Slack/Mattermost/Teams bridges show."""
    link = actie_link(dashboard_url, notificatie.actie)
    text = f"{notificatie.onderwerp}\n{notificatie.samenvatting}" + (f"\n{link}" if link else "")
    data = {**notificatie.as_json(), "details": dict(notificatie.details), "link": link}
    return {"type": f"koersmonitor.{notificatie.soort}", "timestamp": timestamp, "text": text, "data": data}
