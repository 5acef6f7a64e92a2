"""Charts as inline SVG drawn on the server: labelled, patterned, readable in black and white and print."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

from tracker.dashboard.notatie import datum, getal

if TYPE_CHECKING:
    from tracker.dashboard.statussen import Weergave
    from tracker.dashboard.verloop import Punt

BREED, HOOG = 640, 260
LINKS, RECHTS, BOVEN, ONDER = 56, 24, 20, 44
INKT, RASTER, LIJN = "#1a1a1a", "#c8c8c8", "#154273"
# One pattern per status, so bars differ without colour; the colours only repeat what text already says.
PATRONEN = {
    "niet_gestart": ("#595959", '<path d="M0 4h8" stroke="#595959" stroke-width="1.5"/>'),
    "op_koers": ("#1e7a3c", '<rect width="8" height="8" fill="#1e7a3c"/>'),
    "risico": ("#8a5a00", '<path d="M0 8L8 0" stroke="#8a5a00" stroke-width="2"/>'),
    "vertraagd": ("#b01e23", '<path d="M0 0L8 8M8 0L0 8" stroke="#b01e23" stroke-width="1.5"/>'),
    "afgerond": ("#154273", '<circle cx="4" cy="4" r="2" fill="#154273"/>'),
    "gestopt": ("#404040", '<path d="M4 0v8" stroke="#404040" stroke-width="1.5"/>'),
    "verouderd": ("#6b2c91", '<path d="M0 0L8 8" stroke="#6b2c91" stroke-width="2"/>'),
}


def _svg(sleutel: str, titel: str, omschrijving: str, hoog: int, inhoud: str) -> Markup:
    # Every text in here went through escape(); the rest are numbers and constants.
    return Markup(  # noqa: S704
        f'<svg class="grafiek" viewBox="0 0 {BREED} {hoog}" role="img" '
        f'aria-labelledby="{sleutel}-titel {sleutel}-uitleg" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{sleutel}-titel">{escape(titel)}</title>'
        f'<desc id="{sleutel}-uitleg">{escape(omschrijving)}</desc>'
        f"{inhoud}</svg>"
    )


def _tekst(x: float, y: float, tekst: str, anker: str = "start", extra: str = "") -> str:
    plaats = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anker}"'
    return f'<text {plaats} fill="{INKT}" font-size="14" {extra}>{escape(tekst)}</text>'


def verloop_omschrijving(punten: list[Punt]) -> str:
    eerste, laatste = punten[0], punten[-1]
    return (
        f"Voortgang van {getal(eerste.voortgang)} % op {datum(eerste.dag)} tot {getal(laatste.voortgang)} % "
        f"op {datum(laatste.dag)}, {len(punten)} meetmomenten."
    )


def voortgang_grafiek(punten: list[Punt], titel: str, sleutel: str) -> Markup:
    """A step line of voortgang (0-100 %) over the days something was recorded, with a point per day."""
    begin, eind = punten[0].dag, punten[-1].dag
    dagen = max((eind - begin).days, 1)
    breedte, hoogte = BREED - LINKS - RECHTS, HOOG - BOVEN - ONDER

    def x(dag: date) -> float:
        return LINKS + breedte * ((dag - begin).days / dagen if eind > begin else 0.5)

    def y(waarde: float) -> float:
        return BOVEN + hoogte * (1 - waarde / 100)

    raster = "".join(
        f'<line x1="{LINKS}" x2="{BREED - RECHTS}" y1="{y(w):.1f}" y2="{y(w):.1f}" stroke="{RASTER}"/>'
        + _tekst(LINKS - 8, y(w) + 5, f"{w} %", "end")
        for w in (0, 25, 50, 75, 100)
    )
    stappen = [f"M{x(punten[0].dag):.1f} {y(punten[0].voortgang):.1f}"]
    for punt in punten[1:]:
        stappen.append(f"H{x(punt.dag):.1f}V{y(punt.voortgang):.1f}")
    lijn = f'<path d="{"".join(stappen)}" fill="none" stroke="{LIJN}" stroke-width="3"/>'
    stippen = "".join(
        f'<circle cx="{x(p.dag):.1f}" cy="{y(p.voortgang):.1f}" r="5" fill="#fff" '
        f'stroke="{LIJN}" stroke-width="2.5"/>'
        for p in punten
    )
    laatste = punten[-1]
    label = _tekst(
        min(x(laatste.dag), BREED - RECHTS - 4),
        y(laatste.voortgang) - 12,
        f"{getal(laatste.voortgang)} %",
        "end" if len(punten) > 1 else "middle",
        'font-weight="bold"',
    )
    as_x = _tekst(LINKS, HOOG - 14, datum(begin)) + (
        _tekst(BREED - RECHTS, HOOG - 14, datum(eind), "end") if eind > begin else ""
    )
    return _svg(sleutel, titel, verloop_omschrijving(punten), HOOG, raster + lijn + stippen + label + as_x)


def status_verdeling(aantallen: list[tuple[Weergave, int]], titel: str, sleutel: str) -> Markup:
    """One labelled, patterned bar per status: the count is written out, so colour is never needed."""
    rij, label_breedte = 34, 150
    hoog = rij * len(aantallen) + 8
    meeste = max([n for _, n in aantallen] + [1])
    patronen = "".join(
        f'<pattern id="{sleutel}-{code}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="#fff"/>{vorm}</pattern>'
        for code, (_, vorm) in PATRONEN.items()
    )
    staven = []
    for i, (status, aantal) in enumerate(aantallen):
        top, kleur = 4 + i * rij, PATRONEN[status.code][0]
        lengte = (BREED - label_breedte - 60) * aantal / meeste
        staven.append(_tekst(0, top + 21, f"{status.icoon} {status.label}"))
        if aantal:
            staven.append(
                f'<rect x="{label_breedte}" y="{top + 4}" width="{lengte:.1f}" height="{rij - 10}" '
                f'fill="url(#{sleutel}-{status.code})" stroke="{kleur}" stroke-width="2"/>'
            )
        staven.append(_tekst(label_breedte + lengte + 8, top + 21, str(aantal), extra='font-weight="bold"'))
    omschrijving = "; ".join(f"{s.label}: {n}" for s, n in aantallen) + "."
    return _svg(sleutel, titel, omschrijving, hoog, f"<defs>{patronen}</defs>" + "".join(staven))


def balk(waarde: float) -> Markup:
    """A small progress bar beside the written percentage; hidden from screen readers, which read the text."""
    breedte = 200 * max(0.0, min(waarde, 100.0)) / 100
    return Markup(  # noqa: S704 - numbers and constants only
        f'<svg class="balk" viewBox="0 0 200 14" aria-hidden="true" focusable="false">'
        f'<rect width="200" height="14" fill="#fff" stroke="{INKT}"/>'
        f'<rect width="{breedte:.1f}" height="14" fill="{LIJN}"/></svg>'
    )
