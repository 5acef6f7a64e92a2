"""Notifier settings, from NOTIFIER_* environment variables."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifierSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFIER_")

    database_url: str = Field("sqlite:///data/notifier.db", description="sqlite:///pad of postgresql://…")
    tracker_url: str = Field("http://127.0.0.1:8000", description="Basis-URL van de tracker.")
    tracker_token: SecretStr | None = Field(None, description="Een token met rol service voor de feed.")
    admin_token: SecretStr | None = Field(None, description="Geheim dat geldt als token met rol beheer.")
    recipients: Path | None = Field(None, description="YAML met ontvangers; zaait wie nog onbekend is.")
    smtp_host: str | None = Field(None, description="SMTP-server; zonder gaat mail naar mail_folder.")
    smtp_port: int = Field(25, description="Poort van de SMTP-server.")
    smtp_timeout: float = Field(10.0, description="Seconden voor een SMTP-gesprek.")
    mail_from: str = Field("koersmonitor@example.org", description="Afzender van de mail.")
    mail_folder: Path = Field(Path("data/mail"), description="Hier komt mail als .eml zonder SMTP-server.")
    beheer_email: str | None = Field(None, description="Hoort van dode bezorgingen, hoogstens eens per dag.")
    dashboard_url: str = Field("http://127.0.0.1:8000", description="Basis van de links naar acties.")
    base_url: str = Field("http://127.0.0.1:8001", description="Publieke basis-URL van de notifier.")
    webhook_allow_private: bool = Field(False, description="Webhooks naar private/loopback-adressen.")
    webhook_timeout: float = Field(10.0, description="Seconden voor een webhook-antwoord.")
    feed_wait: int = Field(25, description="Long-poll op de feed, in seconden.")
    feed_stale_seconds: float = Field(
        120.0, description="Niet gereed (/readyz 503) als de feed zo lang niet bereikt is, in seconden."
    )
    feed_limit: int = Field(100, description="Events per feed-pagina, en dus per transactie.")
    feed_retry_max: float = Field(30.0, description="Langste pauze tussen pogingen als de tracker weg is.")
    retry_base: float = Field(30.0, description="Eerste pauze na een mislukte bezorging, in seconden.")
    retry_max: float = Field(6 * 3600.0, description="Langste pauze tussen bezorgpogingen.")
    max_attempts: int = Field(8, description="Na zoveel pogingen is een bezorging dood.")
    claim_seconds: float = Field(120.0, description="Zo lang houdt een worker een geclaimde bezorging vast.")
    outbox_poll: float = Field(1.0, description="Seconden tussen blikken in een lege outbox.")
    planner_interval: float = Field(300.0, description="Seconden tussen planningsrondes; 0 = uit.")
    digest_weekday: int = Field(0, ge=0, le=6, description="Dag van het weekoverzicht, 0 = maandag.")
    digest_time: time = Field(time(8, 0), description="Tijd van het weekoverzicht.")
    timezone: str = Field("Europe/Amsterdam", description="Tijdzone van het weekoverzicht.")
    max_body_bytes: int = Field(64 * 1024, description="Grootste toegestane request body.")
    log_level: str = Field("INFO", description="Logniveau: DEBUG, INFO, WARNING of ERROR.")
