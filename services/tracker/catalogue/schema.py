"""The catalogue of a strategic agenda: its shape, and the cross-references a valid one keeps."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.functional_validators import AfterValidator, PlainValidator, model_validator
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from collections.abc import Iterator


Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

# Bounded: a stream is "<kind>/<id>" in a column of 200 characters.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=100)]
Tekst = Annotated[str, StringConstraints(min_length=1)]
# YAML gives lists; lax tuple validation accepts them while the items stay strict.
LIJST = Field(strict=False)


def _niet_leeg(value: tuple[Any, ...]) -> tuple[Any, ...]:
    # Not min_length: that also fires when the only item is invalid, above the item's own error.
    if not value:
        raise PydanticCustomError("leeg", "mag niet leeg zijn")
    return value


NIET_LEEG = AfterValidator(_niet_leeg)
Slugs = Annotated[tuple[Slug, ...], LIJST, NIET_LEEG]


def _positief_getal(value: object) -> int | float:
    # A plain validator keeps 5300 an int and reports one Dutch error instead of one per union member.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PydanticCustomError("getal", "moet een getal zijn")
    if value <= 0:
        raise PydanticCustomError("positief", "moet groter dan 0 zijn")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Portefeuillehouder(_Model):
    id: Slug
    naam: Tekst


class Programmalijn(_Model):
    naam: Tekst
    programma: Tekst
    portefeuillehouders: Slugs


class Opgave(_Model):
    id: Slug
    nummer: Annotated[int, Field(ge=1)]
    titel: Tekst
    dwarsthema: bool = False
    coordinerend: Slug | None = None
    programmalijnen: Annotated[tuple[Programmalijn, ...], LIJST, NIET_LEEG]


class Kpi(_Model):
    omschrijving: Tekst
    eenheid: Tekst
    doel: Annotated[int | float, PlainValidator(_positief_getal)]
    streefdatum: date | None = None


class Actie(_Model):
    id: Slug
    opgave: Slug
    titel: Tekst
    omschrijving: Tekst
    portefeuillehouders: Slugs
    programmalijn: Tekst
    kpi: Kpi | None = None
    begrotingscode: Tekst | None = None
    einddatum: date
    update_interval_dagen: Annotated[int, Field(ge=1)] = 30


class Catalogue(_Model):
    gemeente: Tekst
    bron: Tekst
    jaar: int
    portefeuillehouders: Annotated[tuple[Portefeuillehouder, ...], LIJST, NIET_LEEG]
    opgaven: Annotated[tuple[Opgave, ...], LIJST, NIET_LEEG]
    acties: Annotated[tuple[Actie, ...], LIJST] = ()

    @model_validator(mode="after")
    def _verwijzingen_kloppen(self) -> Catalogue:
        problems = list(_problems(self))
        if problems:
            # The locs travel in the context so that parse_catalogue can report the first one in the file.
            raise PydanticCustomError(
                "verwijzing", "{bericht}", {"bericht": problems[0][1], "plekken": problems}
            )
        return self


def _problems(c: Catalogue) -> Iterator[Problem]:
    yield from _duplicates(("portefeuillehouders",), "id", [p.id for p in c.portefeuillehouders])
    yield from _duplicates(("opgaven",), "id", [o.id for o in c.opgaven])
    yield from _duplicates(("opgaven",), "nummer", [o.nummer for o in c.opgaven])
    holders = {p.id for p in c.portefeuillehouders}
    for i, opgave in enumerate(c.opgaven):
        yield from _opgave_problems(("opgaven", i), opgave, holders)
    yield from _duplicates(("acties",), "id", [a.id for a in c.acties])
    opgaven = {o.id: o for o in c.opgaven}
    for i, actie in enumerate(c.acties):
        yield from _actie_problems(("acties", i), actie, opgaven, holders)


def _duplicates(loc: Loc, field: str, values: list[Any]) -> Iterator[Problem]:
    seen: set[Any] = set()
    for i, value in enumerate(values):
        if value in seen:
            yield (*loc, i, field), f"{value!r} komt dubbel voor"
        seen.add(value)


def _unknown_holders(loc: Loc, ids: tuple[str, ...], holders: set[str]) -> Iterator[Problem]:
    for k, holder in enumerate(ids):
        if holder not in holders:
            yield (*loc, k), f"onbekende portefeuillehouder {holder!r}"


def _opgave_problems(loc: Loc, opgave: Opgave, holders: set[str]) -> Iterator[Problem]:
    if opgave.coordinerend is not None and opgave.coordinerend not in holders:
        yield (*loc, "coordinerend"), f"onbekende portefeuillehouder {opgave.coordinerend!r}"
    yield from _duplicates((*loc, "programmalijnen"), "naam", [p.naam for p in opgave.programmalijnen])
    for j, lijn in enumerate(opgave.programmalijnen):
        yield from _unknown_holders(
            (*loc, "programmalijnen", j, "portefeuillehouders"), lijn.portefeuillehouders, holders
        )


def _actie_problems(
    loc: Loc, actie: Actie, opgaven: dict[str, Opgave], holders: set[str]
) -> Iterator[Problem]:
    opgave = opgaven.get(actie.opgave)
    if opgave is None:
        yield (*loc, "opgave"), f"onbekende opgave {actie.opgave!r}"
    yield from _unknown_holders((*loc, "portefeuillehouders"), actie.portefeuillehouders, holders)
    if opgave and actie.programmalijn not in {p.naam for p in opgave.programmalijnen}:
        yield (*loc, "programmalijn"), f"geen programmalijn van opgave {opgave.id!r}"
