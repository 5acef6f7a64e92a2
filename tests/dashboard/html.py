"""Reading a page the way a person does: its visible text, one table's cells."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


def tekst(html: str) -> str:
    """The page's text without tags and SVG, whitespace collapsed."""
    zonder = re.sub(r"<(svg|title|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", zonder)).split())


class _Tabel(HTMLParser):
    def __init__(self, tabel_id: str) -> None:
        super().__init__()
        self.tabel_id, self.binnen = tabel_id, False
        self.rijen: list[list[str]] = []
        self.cel: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", self.tabel_id) in attrs:
            self.binnen = True
        elif self.binnen and tag == "tr":
            self.rijen.append([])
        elif self.binnen and tag in ("td", "th"):
            self.cel = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.binnen = False
        elif self.binnen and tag in ("td", "th") and self.cel is not None:
            self.rijen[-1].append(" ".join("".join(self.cel).split()))
            self.cel = None

    def handle_data(self, data: str) -> None:
        if self.cel is not None:
            self.cel.append(data)


def tabel(html: str, tabel_id: str) -> list[list[str]]:
    """Header row first, then the body rows, each cell's text."""
    parser = _Tabel(tabel_id)
    parser.feed(html)
    return parser.rijen
