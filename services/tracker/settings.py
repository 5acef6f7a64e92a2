"""Tracker settings, from TRACKER_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

HENGELO = Path(__file__).parent / "catalogue" / "hengelo-2026.yaml"


class TrackerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRACKER_")

    def secret(self, name: str) -> str | None:
        value: SecretStr | None = getattr(self, name)
        return value.get_secret_value() if value else None

    database_url: str = Field("sqlite:///data/tracker.db", description="sqlite:///pad of postgresql://…")
    admin_token: SecretStr | None = Field(None, description="Geheim dat geldt als token met rol beheer.")
    service_token: SecretStr | None = Field(
        None, description="Geheim dat geldt als token met rol service (de notifier)."
    )
    session_secret: SecretStr | None = Field(
        None, description="Sleutel die dashboardsessies ondertekent; zet hem gelijk op alle replica's."
    )
    public_read: bool = Field(False, description="Lezen (API en dashboard) zonder token toestaan.")
    catalogue: Path = Field(HENGELO, description="Het agendabestand (YAML) dat load-catalogue laadt.")
    base_url: str = Field("http://127.0.0.1:8000", description="Publieke basis-URL, voor links.")
    max_body_bytes: int = Field(64 * 1024, description="Grootste toegestane request body.")
    feed_max_wait: int = Field(30, description="Langste long-poll op de feed, in seconden.")
    feed_max_limit: int = Field(1000, description="Meeste events per feed-pagina.")
    write_rate_per_minute: int = Field(
        600, description="Schrijfverzoeken per minuut per token; 0 = geen grens."
    )
    write_burst: int = Field(120, description="Zoveel schrijfverzoeken mag een token in één keer doen.")
    token_cache_seconds: float = Field(
        5.0,
        ge=0,
        description="Zo lang (s) geldt een gecontroleerd token zonder nieuwe databasevraag; intrekken op "
        "een andere replica werkt na hooguit zoveel seconden, op dezelfde meteen. 0 = altijd vragen.",
    )
    log_level: str = Field("INFO", description="Logniveau: DEBUG, INFO, WARNING of ERROR.")
    feed_max_waiters: int = Field(1000, description="Meeste gelijktijdige long-polls per proces.")
