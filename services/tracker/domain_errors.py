"""What the domain refuses, each with a Dutch title that reaches the user as the problem's title."""

from __future__ import annotations


class DomainError(Exception):
    """A command the domain refuses; `title` is Dutch and shown to the user."""

    title = "Niet toegestaan"

    def __init__(self, detail: str, fouten: list[tuple[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fouten = fouten or []


class OngeldigeMelding(DomainError):
    title = "Ongeldige invoer"


class ActieOnbekend(DomainError):
    title = "Actie niet gevonden"


class ActieAfgesloten(DomainError):
    title = "Actie is afgesloten"


class ActieNietAfgesloten(DomainError):
    title = "Actie is niet afgesloten"
