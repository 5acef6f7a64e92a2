"""A real browser on a running tracker: no WCAG 2.1 A/AA violation by axe-core; the keyboard reaches all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ROOT, Databases, Service
from tests.dashboard.conftest import Agenda, Klok
from tracker.catalogue.bestand import parse_catalogue
from tracker.migrate import upgrade
from tracker.projections import dag_of
from tracker.settings import HENGELO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = ROOT / "test-artifacts"
NU = datetime.now(UTC)
PEILDATUM = dag_of(NU - timedelta(days=100)).isoformat()
# A status and voortgang per actie, in turn, so every state shows somewhere on the pages.
PATROON = [
    ("op_koers", 55),
    ("op_koers", 30),
    ("risico", 40),
    ("op_koers", 70),
    ("afgerond", 100),
    ("vertraagd", 25),
    ("op_koers", 15),
    (None, 0),
]


def geleden(dagen: int) -> datetime:
    return NU - timedelta(days=dagen)


def vul(agenda: Agenda) -> None:
    """Half a year of updates on the Hengelo agenda, with a re-plan and a later correction, in time order."""
    meldingen: list[tuple[datetime, str, dict[str, Any]]] = []
    for i, actie in enumerate(a.id for a in parse_catalogue(HENGELO).acties):
        status, voortgang = PATROON[i % len(PATROON)]
        if status and actie != "wilderinkshoek":
            eerst = "op_koers" if status == "afgerond" else status
            meldingen.append(
                (geleden(30 + i % 3 * 10), actie, {"status": eerst, "voortgang": voortgang // 2})
            )
            meldingen.append((geleden(6 + i % 5), actie, {"status": status, "voortgang": voortgang}))
    eerste = agenda.meld("wilderinkshoek", geleden(200), "op_koers", 10, kpi_waarde=300.0)
    agenda.meld("wilderinkshoek", geleden(140), "op_koers", 25, kpi_waarde=900.0)
    agenda.meld(
        "wilderinkshoek",
        geleden(80),
        "risico",
        35,
        kpi_waarde=1300.0,
        verwachte_einddatum="2027-03-01",
        toelichting="De aanbesteding van de warmtevoorziening loopt uit.",
    )
    agenda.corrigeer(
        "wilderinkshoek",
        eerste,
        geleden(60),
        "Dubbel geteld blok",
        status="op_koers",
        voortgang=8,
        kpi_waarde=240.0,
    )
    for op, actie, velden in sorted(meldingen):
        agenda.meld(actie, op, **velden)
    agenda.meld(
        "wilderinkshoek",
        geleden(4),
        "vertraagd",
        45,
        kpi_waarde=1800.0,
        verwachte_einddatum="2027-06-30",
        toelichting="Netcongestie vertraagt de aansluiting van 400 woningen.",
    )


@pytest.fixture
def dashboard(databases: Databases, services: Callable[[str, dict[str, str]], Service]) -> str:
    """A tracker process on SQLite (the backend does not matter to a browser), reading public."""
    url = databases.fresh("sqlite", "tracker", upgrade)
    agenda = Agenda(url, Klok(geleden(240)))
    vul(agenda)
    return services("tracker", {"TRACKER_DATABASE_URL": url, "TRACKER_PUBLIC_READ": "true"}).url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run scripts/setup --for-tests"
    assert AXE.exists(), "axe-core is missing: run scripts/setup --for-tests"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # The pages forbid every script; the audit's own script is let in by the browser, not by the page.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="nl-NL")
    yield context.new_page()
    context.close()


def pagina_paden() -> list[str]:
    return [
        "/",
        "/opgaven/duurzame-inrichting",
        "/acties/wilderinkshoek",
        f"/acties/wilderinkshoek?peildatum={PEILDATUM}",
        f"/?peildatum={PEILDATUM}",
        "/portefeuillehouders/annemieke-traag",
        "/opgaven/sociaal-domein?status=risico",
        "/rapportage?opgave=duurzame-inrichting&opgave=wijkgerichte-aanpak",
        "/vergelijk",
        f"/vergelijk?van={PEILDATUM}&tot={dag_of(NU).isoformat()}",
        "/inloggen",
        "/acties/bestaat-niet",
        "/?peildatum=2000-01-01",
    ]


def audit(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    assert result["passes"], "axe-core checked nothing: is the page empty?"
    return [
        {"regel": v["id"], "hulp": v["help"], "waar": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def test_every_page_has_no_wcag_21_aa_violations(dashboard, page):
    gevonden = {}
    for pad in pagina_paden():
        page.goto(dashboard + pad)
        if overtredingen := audit(page):
            gevonden[pad] = overtredingen
    assert gevonden == {}


def test_the_overview_fits_a_phone_without_sideways_scrolling(dashboard, browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    for pad in ("/", "/acties/wilderinkshoek"):
        page.goto(dashboard + pad)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), pad
        assert audit(page) == [], pad
    context.close()


def test_the_keyboard_alone_reaches_the_main_links_with_visible_focus(dashboard, page):
    page.goto(dashboard + "/")
    bereikt: list[str] = []
    while not any("Toekomstbestendige stedelijke ontwikkeling" in t for t in bereikt):
        assert len(bereikt) < 20, f"the first opgave is not reached by Tab: {bereikt}"
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["zichtbaar"], (focus, bereikt)
        bereikt.append(focus["tekst"])
    assert bereikt[0] == "Direct naar de inhoud"
    assert {"Overzicht", "Rapportage", "Vergelijken", "Toon stand"} <= set(bereikt)
    page.keyboard.press("Enter")
    page.wait_for_url(dashboard + "/opgaven/stedelijke-ontwikkeling")


# Chromium's date field has a calendar button of its own inside it, with the browser's own focus ring;
# while it has focus the field itself does not match :focus, so it is not ours to judge.
FOCUS = """() => { const e = document.activeElement, s = getComputedStyle(e);
  const eigen = e.type === 'date' && !e.matches(':focus');
  return {tag: e.tagName, tekst: e.textContent.trim(),
          zichtbaar: eigen || (s.outlineStyle !== 'none' && s.outlineWidth !== '0px')}; }"""


def test_the_report_prints_without_navigation_and_forms(dashboard, page):
    page.goto(dashboard + "/rapportage?opgave=duurzame-inrichting")
    page.emulate_media(media="print")
    assert page.locator("#rapport").is_visible()
    for onderdeel in (".kop__menu", ".samensteller", ".niet-printen"):
        assert not page.locator(onderdeel).is_visible(), onderdeel


def test_screenshots_of_the_overview_and_an_actie(dashboard, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(dashboard + "/")
    page.screenshot(path=str(ARTIFACTS / "dashboard-overzicht.png"), full_page=True)
    page.goto(dashboard + "/acties/wilderinkshoek")
    page.screenshot(path=str(ARTIFACTS / "dashboard-actie.png"), full_page=True)
    assert (ARTIFACTS / "dashboard-actie.png").stat().st_size > 10_000
