"""Pure: a feed event and what the notifier knew just before it -> the notifications it causes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from notifier.feed import FeedEvent
from notifier.kennis import AFGESLOTEN, ZORGELIJK, Actie, Kennis
from notifier.notificatie import Notificatie, Soort, status_label

SLIP_DAGEN = 30
Reden = tuple[Soort, str]
Handler = Callable[[Kennis, FeedEvent], list[Notificatie]]


def notificaties(kennis: Kennis, event: FeedEvent) -> list[Notificatie]:
    """What `event` means for people, judged with what was known before it; registrations say nothing."""
    handler = EVENT_HANDLERS.get(event.event_type)
    return handler(kennis, event) if handler else []


def voortgang_gemeld(kennis: Kennis, event: FeedEvent) -> list[Notificatie]:
    actie = kennis.acties.get(event.stream_id)
    if actie is None:
        return []
    redenen = [*_statuswissel(actie, event.data["status"]), *_verschuiving(actie, event.data)]
    return _melden(kennis, actie, event, redenen, _melding_details(event.data))


def voortgang_gecorrigeerd(kennis: Kennis, event: FeedEvent) -> list[Notificatie]:
    actie = kennis.acties.get(event.stream_id)
    if actie is None:
        return []
    reden = (Soort.informatie, f"Een eerdere melding is gecorrigeerd: {event.data['reden']}")
    return _melden(kennis, actie, event, [reden], _melding_details(event.data))


def actie_heropend(kennis: Kennis, event: FeedEvent) -> list[Notificatie]:
    actie = kennis.acties.get(event.stream_id)
    if actie is None:
        return []
    was = status_label(actie.status)
    reden = (Soort.informatie, f"De actie is heropend (was {was}): {event.data['reden']}")
    return _melden(kennis, actie, event, [reden], ())


EVENT_HANDLERS: dict[str, Handler] = {
    "VoortgangGemeld": voortgang_gemeld,
    "VoortgangGecorrigeerd": voortgang_gecorrigeerd,
    "ActieHeropend": actie_heropend,
}


def _statuswissel(actie: Actie, nieuw: str) -> list[Reden]:
    if nieuw == actie.status:
        return []
    wissel = f"De status is {status_label(nieuw)} geworden (was {status_label(actie.status)})."
    if nieuw in ZORGELIJK:
        return [(Soort.alert, wissel)]
    if nieuw in AFGESLOTEN or (nieuw == "op_koers" and actie.status in ZORGELIJK):
        return [(Soort.informatie, wissel)]
    return []


def _verschuiving(actie: Actie, data: dict[str, Any]) -> list[Reden]:
    if not data.get("verwachte_einddatum"):
        return []
    nieuw = date.fromisoformat(data["verwachte_einddatum"])
    was = actie.verwachte_einddatum or actie.einddatum
    dagen = (nieuw - was).days
    if dagen <= SLIP_DAGEN:
        return []
    zin = f"De verwachte einddatum schuift {dagen} dagen op: van {was:%d-%m-%Y} naar {nieuw:%d-%m-%Y}."
    return [(Soort.alert, zin)]


def _melden(
    kennis: Kennis, actie: Actie, event: FeedEvent, redenen: list[Reden], details: tuple[tuple[str, str], ...]
) -> list[Notificatie]:
    """One notification per recipient per event: the channel's dedup key is (event, recipient, channel)."""
    if not redenen:
        return []
    soort = Soort.alert if any(s == Soort.alert for s, _ in redenen) else Soort.informatie
    woord = "Aandacht nodig" if soort == Soort.alert else "Bericht"
    onderwerp = f"{woord}: {actie.titel}"
    samenvatting = " ".join(zin for _, zin in redenen)
    return [
        Notificatie(event.id, ontvanger, soort, onderwerp, samenvatting, details, actie.id)
        for ontvanger in ontvangers(kennis, actie)
    ]


def ontvangers(kennis: Kennis, actie: Actie) -> list[str]:
    """Who holds the actie now, and the coordinating holder when its opgave is a dwarsthema."""
    opgave = kennis.opgaven.get(actie.opgave)
    coordinator = opgave.coordinerend if opgave and opgave.dwarsthema else None
    extra = [coordinator] if coordinator and coordinator not in actie.portefeuillehouders else []
    return [*actie.portefeuillehouders, *extra]


TEKSTVELDEN = {
    "toelichting": "Toelichting",
    "oorzaak": "Oorzaak",
    "gevolg": "Gevolg",
    "bijsturing": "Bijsturing",
    "verwachte_einddatum": "Verwachte einddatum",
}


def _melding_details(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    velden = [("Status", status_label(data.get("status"))), ("Voortgang", f"{data.get('voortgang', 0)} %")]
    velden += [(label, str(data[veld])) for veld, label in TEKSTVELDEN.items() if data.get(veld)]
    return tuple(velden)
