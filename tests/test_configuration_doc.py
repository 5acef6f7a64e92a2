"""docs/configuration.md is what the settings classes say today: every variable, default and meaning."""

from __future__ import annotations

from koers.configdoc import SERVICES, render
from tests.conftest import ROOT


def test_the_configuration_reference_matches_the_settings_classes() -> None:
    written = (ROOT / "docs" / "configuration.md").read_text()
    assert written == render(), "regenerate it: .venv/bin/python -m koers.configdoc > docs/configuration.md"


def test_every_setting_says_what_it_means() -> None:
    missing = [
        f"{service}.{name}"
        for service, settings in SERVICES
        for name, field in settings.model_fields.items()
        if not field.description
    ]
    assert missing == []
