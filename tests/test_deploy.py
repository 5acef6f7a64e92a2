"""docker-compose.yml and the Dockerfile, checked without a Docker engine (none runs on these machines)."""

from __future__ import annotations

import re

import pytest
import yaml

from koers.configdoc import SERVICES
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
KNOWN_ENV = {f"{s.model_config['env_prefix']}{name.upper()}" for _, s in SERVICES for name in s.model_fields}


def test_every_long_running_service_has_a_healthcheck() -> None:
    lacking = [
        name
        for name, service in COMPOSE["services"].items()
        if service.get("restart") != "no" and "test" not in service.get("healthcheck", {})
    ]
    assert lacking == []


@pytest.mark.parametrize("name", sorted(COMPOSE["services"]))
def test_every_image_is_pinned_to_a_version(name: str) -> None:
    image = COMPOSE["services"][name]["image"]
    assert re.fullmatch(r"[\w./-]+:v?\d[\w.-]*", image), f"{name}: {image} is not pinned"


def test_every_koers_variable_in_the_stack_is_one_the_settings_read() -> None:
    used = {key for service in COMPOSE["services"].values() for key in service.get("environment", {})}
    koers = {key for key in used if key.startswith(("TRACKER_", "NOTIFIER_"))}
    assert koers and koers <= KNOWN_ENV, sorted(koers - KNOWN_ENV)


def test_the_services_wait_for_their_migrations_and_the_database() -> None:
    services = COMPOSE["services"]
    assert (
        services["tracker"]["depends_on"]["tracker-migrate"]["condition"] == "service_completed_successfully"
    )
    assert (
        services["notifier"]["depends_on"]["notifier-migrate"]["condition"]
        == "service_completed_successfully"
    )
    assert services["tracker-migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "ports" not in services["tracker"], "a fixed host port would stop --scale tracker=3"


def test_the_image_is_multi_stage_slim_pinned_and_runs_as_a_user() -> None:
    stages = re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.MULTILINE)
    assert len(stages) >= 2 and all(re.search(r":\d+\.\d+\.\d+-slim", s) for s in stages)
    final = DOCKERFILE.rsplit("FROM ", 1)[1]
    assert re.search(r"^USER (?!root)\w+", final, flags=re.MULTILINE)
    assert "apt-get" not in final and "gcc" not in final
