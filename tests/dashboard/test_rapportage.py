"""The report builder and its CSV, the comparison of two peildata, and the open-data export."""

from __future__ import annotations

import csv
import io

from tests.dashboard.conftest import dag
from tests.dashboard.html import tabel, tekst
from tracker.dashboard.csvbestand import csv_tekst

KEUZE = {"opgave": ["duurzame-inrichting", "wijkgerichte-aanpak"]}


def test_the_report_shows_only_the_chosen_opgaven(site, agenda):
    agenda.meld("wilderinkshoek", dag(5, 1), "risico", 30)
    agenda.klok.nu = dag(5, 2)
    rijen = tabel(site.get("/rapportage", params=KEUZE).text, "rapport")[1:]
    assert {r[0] for r in rijen} == {"Duurzame inrichting", "Wijkgerichte aanpak"}
    wilderinkshoek = next(r for r in rijen if r[1] == "Uitvoeringsplan Wilderinkshoek")
    assert wilderinkshoek[:4] == ["Duurzame inrichting", "Uitvoeringsplan Wilderinkshoek", "Risico", "30"]


def test_the_report_csv_parses_and_equals_the_table_on_the_page(site, agenda):
    agenda.meld(
        "wilderinkshoek", dag(5, 1), "vertraagd", 35, kpi_waarde=1200.0, verwachte_einddatum="2027-03-01"
    )
    agenda.klok.nu = dag(5, 2)
    params = {**KEUZE, "peildatum": "2026-05-01"}
    pagina = tabel(site.get("/rapportage", params=params).text, "rapport")
    antwoord = site.get("/rapportage.csv", params=params)
    assert antwoord.headers["content-type"].startswith("text/csv")
    assert "attachment" in antwoord.headers["content-disposition"]
    assert list(csv.reader(io.StringIO(antwoord.text))) == pagina
    wilderinkshoek = next(r for r in pagina if r[1] == "Uitvoeringsplan Wilderinkshoek")
    assert "60" in wilderinkshoek and "1.200 van 5.300 woningen" in wilderinkshoek


def test_the_report_filters_by_status_and_portefeuillehouder(site, agenda):
    agenda.meld("wilderinkshoek", dag(5, 1), "risico", 30)
    agenda.klok.nu = dag(5, 2)
    rijen = tabel(site.get("/rapportage", params={"status": "risico"}).text, "rapport")[1:]
    assert [r[1] for r in rijen] == ["Uitvoeringsplan Wilderinkshoek"]
    rijen = tabel(site.get("/rapportage", params={"portefeuillehouder": "annemieke-traag"}).text, "rapport")[
        1:
    ]
    assert rijen and all("Annemieke Traag" in r[9] for r in rijen)


def test_csv_neutralises_cells_that_would_start_a_formula():
    tekst_ = csv_tekst(["Actie"], [["=HYPERLINK(1)"], ["+1"], ["-2"], ["@SUM(A1)"], ["gewoon"], [-5]])
    cellen = [r[0] for r in csv.reader(io.StringIO(tekst_))][1:]
    assert cellen == ["'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "gewoon", "-5"]


def test_compare_shows_status_moves_progress_slip_and_new_corrections(site, agenda):
    melding = agenda.meld("wilderinkshoek", dag(6, 10), "op_koers", 30)
    agenda.meld("twentekanaal", dag(6, 10), "op_koers", 10)
    agenda.meld("twentekanaal", dag(9, 1), "op_koers", 10)  # the same again: no change to report
    agenda.meld("wilderinkshoek", dag(9, 1), "vertraagd", 40, verwachte_einddatum="2027-02-01")
    agenda.corrigeer("wilderinkshoek", melding, dag(9, 2), "Telfout", status="op_koers", voortgang=25)
    agenda.klok.nu = dag(9, 30)
    pagina = tekst(site.get("/vergelijk", params={"van": "2026-06-30", "tot": "2026-09-15"}).text)
    rij = pagina.split("Uitvoeringsplan Wilderinkshoek", 1)[1]
    assert rij.startswith(" ✓ Op koers → ✕ Vertraagd 30 % → 40 %")
    assert "32 dagen later dan toegezegd" in rij
    assert (
        "Uitvoeringsplan Twentekanaal" not in pagina.split("Duurzame inrichting")[1].split("Wijkgerichte")[0]
    )


def test_compare_refuses_dates_in_the_wrong_order(site, agenda):
    agenda.klok.nu = dag(9, 30)
    pagina = site.get("/vergelijk", params={"van": "2026-09-01", "tot": "2026-06-30"})
    assert pagina.status_code == 400 and "van-datum moet voor de tot-datum" in tekst(pagina.text)


def test_export_gives_every_actie_with_a_stable_uri_as_json_and_csv(site, agenda):
    agenda.meld("wilderinkshoek", dag(7, 1), "risico", 50)
    agenda.klok.nu = dag(7, 2)
    acties = site.get("/api/v1/export", params={"format": "json"}).json()
    assert len(acties) == 40
    wilderinkshoek = next(a for a in acties if a["id"] == "wilderinkshoek")
    assert (
        wilderinkshoek["uri"].endswith("/api/v1/acties/wilderinkshoek")
        and wilderinkshoek["status"] == "risico"
    )
    rijen = list(csv.DictReader(io.StringIO(site.get("/api/v1/export", params={"format": "csv"}).text)))
    assert len(rijen) == 40 and {r["uri"] for r in rijen} == {a["uri"] for a in acties}


def test_export_at_a_peildatum_and_its_problems(site, agenda):
    agenda.meld("wilderinkshoek", dag(7, 1), "risico", 50)
    agenda.klok.nu = dag(7, 2)
    toen = site.get("/api/v1/export", params={"peildatum": "2026-06-30"}).json()
    assert next(a for a in toen if a["id"] == "wilderinkshoek")["status"] == "niet_gestart"
    toekomst = site.get("/api/v1/export", params={"peildatum": "2027-01-01"})
    assert toekomst.status_code == 400 and toekomst.headers["content-type"] == "application/problem+json"
    assert site.get("/api/v1/export", params={"format": "xml"}).status_code == 400
