"""Peildatum: each page shows what was recorded by the end of that day, says so, marks later corrections."""

from __future__ import annotations

from tests.dashboard.conftest import dag
from tests.dashboard.html import tekst

PAGINAS = (
    "/",
    "/opgaven/duurzame-inrichting",
    "/acties/wilderinkshoek",
    "/portefeuillehouders/annemieke-traag",
    "/rapportage",
)


def test_an_update_recorded_on_1_july_does_not_show_at_peildatum_30_june(site, agenda):
    agenda.meld("wilderinkshoek", dag(6, 15), "op_koers", 30)
    agenda.meld("wilderinkshoek", dag(7, 1, uur=6), "vertraagd", 45)
    agenda.klok.nu = dag(8, 1)
    toen = tekst(site.get("/acties/wilderinkshoek?peildatum=2026-06-30").text)
    assert "voortgang 30 %" in toen and "45 %" not in toen and "Vertraagd" not in toen
    nu = tekst(site.get("/acties/wilderinkshoek").text)
    assert "voortgang 45 %" in nu and "Vertraagd" in nu


def test_the_day_ends_at_midnight_in_hengelo_not_in_utc(site, agenda):
    agenda.meld("wilderinkshoek", dag(6, 30, uur=22), "op_koers", 70)  # 1 July, 00:00 in Hengelo
    agenda.klok.nu = dag(7, 2)
    assert "70 %" not in tekst(site.get("/acties/wilderinkshoek?peildatum=2026-06-30").text)
    assert "70 %" in tekst(site.get("/acties/wilderinkshoek?peildatum=2026-07-01").text)


def test_every_page_at_a_peildatum_shows_the_banner_and_keeps_it_in_links(site, agenda):
    agenda.klok.nu = dag(7, 1)
    for pad in PAGINAS:
        pagina = site.get(pad, params={"peildatum": "2026-06-30"})
        assert pagina.status_code == 200, pad
        assert "Peildatum 30 juni 2026" in tekst(pagina.text), pad
        assert "peildatum=2026-06-30" in pagina.text, pad


def test_a_correction_recorded_later_shows_as_a_correction_at_the_peildatum(site, agenda):
    melding = agenda.meld("wilderinkshoek", dag(6, 10), "op_koers", 60)
    agenda.corrigeer(
        "wilderinkshoek", melding, dag(7, 5), "Telfout: 6 in plaats van 60", voortgang=6, status="op_koers"
    )
    agenda.klok.nu = dag(7, 6)
    toen = tekst(site.get("/acties/wilderinkshoek?peildatum=2026-06-30").text)
    assert "Voortgang 60 %" in toen  # what the council could see then
    assert "Later gecorrigeerd" in toen and "Na de peildatum gecorrigeerd op 5 juli 2026" in toen
    assert "Telfout" in toen
    for pad in ("/opgaven/duurzame-inrichting", "/"):
        assert "Na de peildatum gecorrigeerd" in tekst(site.get(pad + "?peildatum=2026-06-30").text)
    nu = tekst(site.get("/acties/wilderinkshoek").text)
    assert "Voortgang 6 %" in nu and "Correctie" in nu and "Reden van de correctie: Telfout" in nu


def test_a_correction_before_the_peildatum_is_simply_part_of_it(site, agenda):
    melding = agenda.meld("wilderinkshoek", dag(6, 10), "op_koers", 60)
    agenda.corrigeer("wilderinkshoek", melding, dag(6, 20), "Telfout", voortgang=6, status="op_koers")
    agenda.klok.nu = dag(7, 6)
    toen = tekst(site.get("/acties/wilderinkshoek?peildatum=2026-06-30").text)
    assert "Voortgang 6 %" in toen and "Later gecorrigeerd" not in toen


def test_a_peildatum_in_the_future_is_a_friendly_400(site, agenda):
    agenda.klok.nu = dag(7, 1)
    pagina = site.get("/?peildatum=2026-07-02")
    assert pagina.status_code == 400 and pagina.headers["content-type"].startswith("text/html")
    assert "ligt in de toekomst" in tekst(pagina.text)


def test_a_peildatum_before_the_first_event_is_a_friendly_404(site):
    pagina = site.get("/acties/wilderinkshoek?peildatum=2025-12-31")
    assert pagina.status_code == 404
    assert "was nog niets vastgelegd" in tekst(pagina.text)


def test_a_peildatum_that_is_no_date_is_a_friendly_400(site):
    pagina = site.get("/opgaven/duurzame-inrichting?peildatum=30-06-2026")
    assert pagina.status_code == 400 and "Ongeldige peildatum" in tekst(pagina.text)
    assert "JJJJ-MM-DD" in tekst(pagina.text)


def test_staleness_is_judged_at_the_end_of_the_peildatum(site, agenda):
    agenda.meld("wilderinkshoek", dag(5, 1), "op_koers", 20)
    agenda.klok.nu = dag(9, 1)
    vers = site.get("/acties/wilderinkshoek?peildatum=2026-05-15").text
    assert "status--verouderd" not in vers.split('class="hoofdstatus"', 1)[1].split("</p>", 1)[0]
    oud = site.get("/acties/wilderinkshoek").text
    assert "status--verouderd" in oud.split('class="hoofdstatus"', 1)[1].split("</p>", 1)[0]
