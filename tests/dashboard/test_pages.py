"""Each page at HTML level: what a council member reads, the security headers, the escaping, the errors."""

from __future__ import annotations

from tests.dashboard.conftest import dag
from tests.dashboard.html import tekst


def test_overview_shows_the_five_opgaven_with_progress_and_counts(site, agenda):
    agenda.meld("wilderinkshoek", dag(5, 1), voortgang=40)
    agenda.meld("twentekanaal", dag(5, 2), "risico", 10)
    agenda.klok.nu = dag(5, 3)
    pagina = site.get("/")
    assert pagina.status_code == 200
    leesbaar = tekst(pagina.text)
    for opgave in (
        "Toekomstbestendige stedelijke ontwikkeling",
        "Duurzame inrichting",
        "De inwoner centraal",
    ):
        assert opgave in leesbaar
    assert "Vraagt aandacht" in leesbaar and "Twentekanaal" in leesbaar
    assert '<svg class="grafiek"' in pagina.text and "<desc" in pagina.text


def test_every_page_carries_the_security_headers(site):
    for pad in (
        "/",
        "/opgaven/duurzame-inrichting",
        "/acties/wilderinkshoek",
        "/rapportage",
        "/vergelijk",
        "/portefeuillehouders/annemieke-traag",
        "/acties/bestaat-niet",
        "/inloggen",
    ):
        headers = site.get(pad).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src" not in csp
        assert "default-src 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_actie_page_shows_kpi_commitment_replan_and_slip(site, agenda):
    agenda.meld(
        "wilderinkshoek", dag(5, 1), "vertraagd", 35, kpi_waarde=1200.0, verwachte_einddatum="2027-03-01"
    )
    leesbaar = tekst(site.get("/acties/wilderinkshoek").text)
    assert "Uitvoeringsplan Wilderinkshoek" in leesbaar
    assert "1.200 van 5.300 woningen" in leesbaar
    assert "31 december 2026" in leesbaar and "1 maart 2027" in leesbaar
    assert "60 dagen later dan toegezegd" in leesbaar
    assert "Het subsidiebesluit is laat" in leesbaar


def test_a_stale_actie_shows_as_verouderd_and_never_green(site, agenda):
    agenda.meld("wilderinkshoek", dag(4, 1), "op_koers", 20)
    agenda.klok.nu = dag(6, 1)
    pagina = site.get("/acties/wilderinkshoek").text
    hoofdstatus = pagina.split('class="hoofdstatus"', 1)[1].split("</p>", 1)[0]
    assert "status--verouderd" in hoofdstatus and "status--op_koers" not in hoofdstatus
    assert "laatst gemeld: op koers" in tekst(hoofdstatus)


def test_the_opgave_page_filters_by_status_and_portefeuillehouder(site, agenda):
    agenda.meld("wilderinkshoek", dag(5, 1), "risico", 30)
    agenda.meld("twentekanaal", dag(5, 1), "op_koers", 30)
    risico = tekst(site.get("/opgaven/duurzame-inrichting?status=risico").text)
    assert "Uitvoeringsplan Wilderinkshoek" in risico and "Twentekanaal" not in risico.split("Acties van")[-1]
    andere = tekst(site.get("/opgaven/duurzame-inrichting?portefeuillehouder=gerard-gerrits").text)
    assert "Geen acties die aan deze keuze voldoen" in andere


def test_the_opgave_page_charts_progress_over_time_with_a_table_alternative(site, agenda):
    agenda.meld("wilderinkshoek", dag(4, 1), voortgang=20)
    agenda.meld("wilderinkshoek", dag(5, 1), voortgang=60)
    pagina = site.get("/opgaven/duurzame-inrichting").text
    assert 'role="img"' in pagina and "Voortgang van de opgave als tabel" in pagina


def test_portefeuillehouder_page_lists_only_her_acties(site):
    leesbaar = tekst(site.get("/portefeuillehouders/annemieke-traag").text)
    assert "Annemieke Traag" in leesbaar and "Uitvoeringsplan Wilderinkshoek" in leesbaar
    assert "Opstellen samenlevingsvisie" not in leesbaar


def test_text_from_a_project_lead_is_escaped(site, agenda):
    agenda.meld("wilderinkshoek", dag(5, 1), toelichting='<script>alert("x")</script>')
    pagina = site.get("/acties/wilderinkshoek").text
    assert "<script>" not in pagina and "&lt;script&gt;" in pagina


def test_unknown_pages_get_a_dutch_html_404(site):
    for pad in ("/acties/bestaat-niet", "/opgaven/bestaat-niet", "/portefeuillehouders/niemand"):
        pagina = site.get(pad)
        assert pagina.status_code == 404 and pagina.headers["content-type"].startswith("text/html")
        assert "niet gevonden" in tekst(pagina.text)


BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_a_browser_gets_a_dutch_error_page_outside_the_api_and_a_program_gets_a_problem(site):
    for methode, pad, status in (
        ("GET", "/bestaat-niet", 404),
        ("GET", "/acties/x%00y", 400),
        ("DELETE", "/", 405),
    ):
        pagina = site.request(methode, pad, headers=BROWSER)
        assert (pagina.status_code, pagina.headers["content-type"]) == (status, "text/html; charset=utf-8")
        assert pagina.headers["x-content-type-options"] == "nosniff"
        assert "Naar het overzicht" in tekst(pagina.text), pad
        programma = site.request(methode, pad, headers={"Accept": "application/json"})
        assert programma.headers["content-type"] == "application/problem+json"
        assert programma.json()["status"] == status
    assert site.request("DELETE", "/", headers=BROWSER).headers["allow"] == "GET"
    api = site.get("/api/v1/bestaat-niet", headers=BROWSER)
    assert (api.status_code, api.headers["content-type"]) == (404, "application/problem+json")


def test_a_long_history_shows_the_newest_entries_and_links_to_all(site, agenda):
    for i in range(55):
        agenda.meld("wilderinkshoek", dag(4, 1 + i % 28, uur=i // 28 + 6), voortgang=i)
    kort = site.get("/acties/wilderinkshoek").text
    assert kort.count('class="tijdlijn__item') == 50 and "Toon de hele geschiedenis (56 regels)" in tekst(
        kort
    )
    alles = site.get("/acties/wilderinkshoek?geschiedenis=alles").text
    assert alles.count('class="tijdlijn__item') == 56
