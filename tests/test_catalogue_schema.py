from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.catalogue.bestand import CatalogueError, parse_catalogue
from tracker.catalogue.schema import Actie, Catalogue

HENGELO = Path(__file__).parents[1] / "services" / "tracker" / "catalogue" / "hengelo-2026.yaml"

# The trailing comments are the line numbers the assertions below refer to.
MINIMAL = """\
gemeente: Teststad  # 1
bron: Begroting  # 2
jaar: 2026  # 3
portefeuillehouders:  # 4
  - id: anna-smit  # 5
    naam: Anna Smit  # 6
opgaven:  # 7
  - id: wonen  # 8
    nummer: 1  # 9
    titel: Wonen  # 10
    dwarsthema: false  # 11
    coordinerend: null  # 12
    programmalijnen:  # 13
      - naam: Woningbouw  # 14
        programma: "8"  # 15
        portefeuillehouders: [anna-smit]  # 16
acties:  # 17
  - id: nieuwbouw  # 18
    opgave: wonen  # 19
    titel: Nieuwbouw  # 20
    omschrijving: "We bouwen."  # 21
    portefeuillehouders: [anna-smit]  # 22
    programmalijn: Woningbouw  # 23
    kpi: {omschrijving: woningen gebouwd, eenheid: woningen, doel: 100, streefdatum: null}  # 24
    begrotingscode: null  # 25
    einddatum: 2026-12-31  # 26
    update_interval_dagen: 30  # 27
"""

SECOND_ACTIE = """\
  - id: nieuwbouw  # 28
    opgave: wonen  # 29
    titel: Meer nieuwbouw  # 30
    omschrijving: "Nog meer."  # 31
    portefeuillehouders: [anna-smit]  # 32
    programmalijn: Woningbouw  # 33
    einddatum: 2026-12-31  # 34
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "teststad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(tmp_path: Path, text: str) -> CatalogueError:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(_write(tmp_path, text))
    return caught.value


def _changed(old: str, new: str) -> str:
    assert MINIMAL.count(old) == 1, old
    return MINIMAL.replace(old, new)


@pytest.fixture(scope="module")
def hengelo() -> Catalogue:
    return parse_catalogue(HENGELO)


def _actie(catalogue: Catalogue, actie_id: str) -> Actie:
    return next(a for a in catalogue.acties if a.id == actie_id)


# The shipped Hengelo catalogue


def test_the_hengelo_catalogue_has_five_opgaven_of_which_two_are_dwarsthemas(hengelo: Catalogue) -> None:
    assert [o.nummer for o in hengelo.opgaven] == [1, 2, 3, 4, 5]
    assert {o.id for o in hengelo.opgaven if o.dwarsthema} == {"wijkgerichte-aanpak", "inwoner-centraal"}


def test_the_hengelo_catalogue_names_at_least_25_acties_and_every_opgave_has_some(hengelo: Catalogue) -> None:
    assert len(hengelo.acties) >= 25
    assert {a.opgave for a in hengelo.acties} == {o.id for o in hengelo.opgaven}


def test_the_hengelo_catalogue_lists_the_six_portefeuillehouders(hengelo: Catalogue) -> None:
    assert {p.naam for p in hengelo.portefeuillehouders} == {
        "Gerard Gerrits",
        "Hanneke Steen",
        "Marie-José Luttikholt",
        "Benno Brand",
        "Annemieke Traag",
        "Sander Schelberg",
    }


def test_wilderinkshoek_aims_at_5300_woningen(hengelo: Catalogue) -> None:
    kpi = _actie(hengelo, "wilderinkshoek").kpi
    assert kpi is not None
    assert (kpi.doel, kpi.eenheid) == (5300, "woningen")


def test_twentekanaal_aims_at_960_bedrijven(hengelo: Catalogue) -> None:
    kpi = _actie(hengelo, "twentekanaal").kpi
    assert kpi is not None
    assert (kpi.doel, kpi.eenheid) == (960, "bedrijven")


def test_the_spoorzone_aims_at_3500_woningen_in_hengelo_by_2034(hengelo: Catalogue) -> None:
    actie = _actie(hengelo, "spoorzone")
    assert actie.kpi is not None
    assert (actie.kpi.doel, actie.kpi.streefdatum) == (3500, date(2034, 12, 31))


def test_the_budget_codes_of_the_text_appear(hengelo: Catalogue) -> None:
    codes = {a.id: a.begrotingscode for a in hengelo.acties if a.begrotingscode}
    assert codes == {
        "investeringen-basisondersteuning": "25-FP-6.1",
        "sturingsplan-jeugdhulp": "26-NB-6.1",
        "prioritaire-opgave-jeugd": "26-NB-6.1",
    }


def test_the_coordinating_holders_are_set(hengelo: Catalogue) -> None:
    coordinerend = {o.id: o.coordinerend for o in hengelo.opgaven if o.coordinerend}
    assert coordinerend == {"sociaal-domein": "marie-jose-luttikholt", "wijkgerichte-aanpak": "benno-brand"}


def test_the_2026_acties_end_in_2026(hengelo: Catalogue) -> None:
    assert {a.einddatum for a in hengelo.acties if a.id != "spoorzone"} == {date(2026, 12, 31)}


# A small catalogue and what the parser refuses in it


def test_the_minimal_catalogue_parses(tmp_path: Path) -> None:
    catalogue = parse_catalogue(_write(tmp_path, MINIMAL))
    assert catalogue.acties[0].kpi is not None
    assert catalogue.acties[0].kpi.doel == 100


def test_an_error_reads_as_file_line_field_and_message(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("doel: 100", "doel: veel"))
    assert isinstance(error, ValueError)
    assert str(error) == "teststad.yaml:24: acties[0].kpi.doel: moet een getal zijn"
    assert (error.file.name, error.line, error.field) == ("teststad.yaml", 24, "acties[0].kpi.doel")


def test_refuses_a_yaml_syntax_error_at_its_line(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("titel: Nieuwbouw", "titel: Nieuwbouw: fase 2"))
    assert (error.line, error.field) == (20, "")
    assert error.message.startswith("ongeldige YAML")


def test_refuses_an_empty_file(tmp_path: Path) -> None:
    error = _refusal(tmp_path, "# nog niets\n")
    assert (error.line, error.field, error.message) == (1, "", "het bestand is leeg")


def test_refuses_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    error = _refusal(tmp_path, "\n- wonen\n- zorg\n")
    assert (error.line, error.field, error.message) == (2, "", "het bestand moet een mapping zijn")


def test_refuses_a_kpi_doel_that_is_not_positive(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("doel: 100", "doel: 0"))
    assert (error.line, error.field, error.message) == (24, "acties[0].kpi.doel", "moet groter dan 0 zijn")


def test_points_at_the_doel_line_of_a_block_style_kpi(tmp_path: Path) -> None:
    block_kpi = "kpi:\n      omschrijving: woningen\n      eenheid: woningen\n      doel: -5"
    error = _refusal(
        tmp_path,
        _changed(
            "kpi: {omschrijving: woningen gebouwd, eenheid: woningen, doel: 100, streefdatum: null}",
            block_kpi,
        ),
    )
    assert (error.line, error.field) == (27, "acties[0].kpi.doel")


def test_refuses_a_kpi_doel_that_is_not_a_finite_number(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("doel: 100", "doel: .nan"))
    assert (error.line, error.field, error.message) == (24, "acties[0].kpi.doel", "moet een getal zijn")


def test_accepts_a_fractional_kpi_doel_and_keeps_whole_ones_integers(tmp_path: Path) -> None:
    kpi = parse_catalogue(_write(tmp_path, _changed("doel: 100", "doel: 12.5"))).acties[0].kpi
    assert kpi is not None
    assert kpi.doel == 12.5
    whole = parse_catalogue(_write(tmp_path, MINIMAL)).acties[0].kpi
    assert whole is not None
    assert isinstance(whole.doel, int)


def test_refuses_an_actie_without_portefeuillehouders(tmp_path: Path) -> None:
    error = _refusal(
        tmp_path, _changed("    portefeuillehouders: [anna-smit]  # 22", "    portefeuillehouders: []")
    )
    assert (error.line, error.field, error.message) == (
        22,
        "acties[0].portefeuillehouders",
        "mag niet leeg zijn",
    )


def test_refuses_an_update_interval_below_one_day(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("update_interval_dagen: 30", "update_interval_dagen: 0"))
    assert (error.line, error.field, error.message) == (
        27,
        "acties[0].update_interval_dagen",
        "moet minstens 1 zijn",
    )


def test_refuses_a_missing_field_at_the_line_of_its_parent(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("    titel: Nieuwbouw  # 20\n", ""))
    assert (error.line, error.field, error.message) == (18, "acties[0].titel", "ontbreekt")


def test_refuses_an_unknown_field(tmp_path: Path) -> None:
    error = _refusal(
        tmp_path, _changed("    dwarsthema: false  # 11\n", "    dwarsthema: false\n    kleur: rood  # 12\n")
    )
    assert (error.line, error.field, error.message) == (12, "opgaven[0].kleur", "is geen bekend veld")


def test_reports_a_misspelt_field_as_missing_at_its_parent_line_which_comes_first(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("titel: Wonen", "titels: Wonen"))
    assert (error.line, error.field, error.message) == (8, "opgaven[0].titel", "ontbreekt")


def test_refuses_a_programma_that_is_not_text(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed('programma: "8"', "programma: 8"))
    assert (error.line, error.field, error.message) == (
        15,
        "opgaven[0].programmalijnen[0].programma",
        "moet tekst zijn",
    )


def test_refuses_an_impossible_date_at_its_line(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("einddatum: 2026-12-31", "einddatum: 2026-02-30"))
    assert error.line == 26
    assert "geen geldige datum" in error.message


def test_refuses_a_date_written_as_text(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("einddatum: 2026-12-31", 'einddatum: "eind 2026"'))
    assert (error.line, error.field) == (26, "acties[0].einddatum")


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("id: nieuwbouw", "id: Nieuwbouw", 18, "acties[0].id"),
        ("id: wonen", "id: wonen_en_zorg", 8, "opgaven[0].id"),
        ("id: anna-smit", "id: anna-smít", 5, "portefeuillehouders[0].id"),
        ("coordinerend: null", "coordinerend: anna-", 12, "opgaven[0].coordinerend"),
    ],
)
def test_refuses_an_id_that_is_not_a_lowercase_ascii_slug(
    tmp_path: Path, old: str, new: str, line: int, field: str
) -> None:
    error = _refusal(tmp_path, _changed(old, new))
    assert (error.line, error.field) == (line, field)
    assert error.message.startswith("is geen geldige id")


def test_refuses_a_duplicate_actie_id(tmp_path: Path) -> None:
    error = _refusal(tmp_path, MINIMAL + SECOND_ACTIE)
    assert (error.line, error.field, error.message) == (28, "acties[1].id", "'nieuwbouw' komt dubbel voor")


def test_refuses_a_duplicate_portefeuillehouder_id(tmp_path: Path) -> None:
    error = _refusal(
        tmp_path, _changed("opgaven:  # 7\n", "  - id: anna-smit  # 7\n    naam: Anna Smid  # 8\nopgaven:\n")
    )
    assert (error.line, error.field) == (7, "portefeuillehouders[1].id")


def test_refuses_a_duplicate_opgave_id(tmp_path: Path) -> None:
    second = "  - id: wonen  # 17\n    nummer: 2\n    titel: Ook wonen\n    programmalijnen:\n"
    lijn = "      - {naam: Woningbouw, programma: '8', portefeuillehouders: [anna-smit]}\nacties:\n"
    error = _refusal(tmp_path, _changed("acties:  # 17\n", second + lijn))
    assert (error.line, error.field) == (17, "opgaven[1].id")


def test_refuses_a_duplicate_yaml_key(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("    begrotingscode: null  # 25\n", "    titel: Nog eens  # 25\n"))
    assert (error.line, error.field, error.message) == (25, "acties[0].titel", "sleutel komt dubbel voor")


def test_refuses_an_actie_naming_an_unknown_opgave(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("opgave: wonen", "opgave: zorg"))
    assert (error.line, error.field, error.message) == (19, "acties[0].opgave", "onbekende opgave 'zorg'")


def test_refuses_an_actie_naming_an_unknown_portefeuillehouder(tmp_path: Path) -> None:
    error = _refusal(
        tmp_path,
        _changed("    portefeuillehouders: [anna-smit]  # 22", "    portefeuillehouders: [anna-smit, bob]"),
    )
    assert (error.line, error.field) == (22, "acties[0].portefeuillehouders[1]")
    assert error.message == "onbekende portefeuillehouder 'bob'"


def test_refuses_a_programmalijn_naming_an_unknown_portefeuillehouder(tmp_path: Path) -> None:
    error = _refusal(
        tmp_path, _changed("portefeuillehouders: [anna-smit]  # 16", "portefeuillehouders: [bob]")
    )
    assert (error.line, error.field) == (16, "opgaven[0].programmalijnen[0].portefeuillehouders[0]")


def test_refuses_an_opgave_coordinated_by_an_unknown_portefeuillehouder(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("coordinerend: null", "coordinerend: bob"))
    assert (error.line, error.field, error.message) == (
        12,
        "opgaven[0].coordinerend",
        "onbekende portefeuillehouder 'bob'",
    )


def test_refuses_an_actie_on_a_programmalijn_outside_its_opgave(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _changed("programmalijn: Woningbouw", "programmalijn: Jeugd"))
    assert (error.line, error.field) == (23, "acties[0].programmalijn")
    assert error.message == "geen programmalijn van opgave 'wonen'"


def test_reports_the_first_of_several_errors_in_the_file(tmp_path: Path) -> None:
    text = _changed("doel: 100", "doel: 0").replace("coordinerend: null", "coordinerend: 7")
    assert _refusal(tmp_path, text).line == 12


def test_reports_the_first_of_several_reference_errors_in_the_file(tmp_path: Path) -> None:
    text = (MINIMAL + SECOND_ACTIE).replace("programmalijn: Woningbouw  # 23", "programmalijn: Jeugd")
    error = _refusal(tmp_path, text)
    assert (error.line, error.field) == (23, "acties[0].programmalijn")
