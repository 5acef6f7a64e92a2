"""Reading a catalogue file: YAML with its line marks, so every refusal names the file, line and field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from pydantic_core import ValidationError

from tracker.catalogue.schema import Catalogue, Loc

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic_core import ErrorDetails


class CatalogueError(ValueError):
    """A catalogue file that cannot be used, with the line and field where it goes wrong."""

    def __init__(self, file: Path, line: int, field: str, message: str) -> None:
        self.file, self.line, self.field, self.message = file, line, field, message
        super().__init__(f"{file.name}:{line}: {field + ': ' if field else ''}{message}")


class _Loader(yaml.SafeLoader):
    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        # A date-shaped but impossible value (2026-02-30) raises a bare ValueError without a mark.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is geen geldige datum", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def parse_catalogue(path: Path) -> Catalogue:
    """Read and validate a catalogue file; raise CatalogueError at the first problem in it."""
    root, data = _load(path)
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        errors = [located for e in exc.errors() for located in _located(root, e)]
        line, field, message = min(errors, key=lambda e: e[0])
        raise CatalogueError(path, line, field, message) from None


def _load(path: Path) -> tuple[yaml.MappingNode, Any]:
    text = _text(path)
    try:
        loader = _Loader(text)
        root = _mapping_root(path, loader.get_single_node())
        _refuse_duplicate_keys(path, root, ())
        return root, loader.construct_document(root)
    except yaml.reader.ReaderError as exc:  # a control character: YAML refuses it without a mark
        line = text[: exc.position].count("\n") + 1
        raise CatalogueError(path, line, "", f"ongeldig teken U+{exc.character:04X} in het bestand") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise CatalogueError(path, line, "", f"ongeldige YAML: {exc.problem or exc.context}") from None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise CatalogueError(path, line, "", "het bestand is geen UTF-8") from None


def _mapping_root(path: Path, root: yaml.Node | None) -> yaml.MappingNode:
    if root is None:
        raise CatalogueError(path, 1, "", "het bestand is leeg")
    if not isinstance(root, yaml.MappingNode):
        raise CatalogueError(path, root.start_mark.line + 1, "", "het bestand moet een mapping zijn")
    return root


def _refuse_duplicate_keys(path: Path, node: yaml.Node, loc: Loc, done: set[int] | None = None) -> None:
    # PyYAML keeps the last of two equal keys silently; in a hand-written file that hides a mistake.
    done = set() if done is None else done
    if id(node) in done:  # an alias: already checked where its anchor is (and may be recursive)
        return
    done.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _refuse_duplicate_keys(path, item, (*loc, i), done)
    if isinstance(node, yaml.MappingNode):
        seen: list[Any] = []  # a list: complex keys are unhashable
        for key, value in node.value:
            if key.value in seen:
                raise CatalogueError(
                    path, key.start_mark.line + 1, _field((*loc, key.value)), "sleutel komt dubbel voor"
                )
            seen.append(key.value)
            _refuse_duplicate_keys(path, value, (*loc, key.value), done)


_BERICHTEN = {
    "missing": "ontbreekt",
    "extra_forbidden": "is geen bekend veld",
    "invalid_key": "sleutels moeten tekst zijn",
    "string_type": "moet tekst zijn",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "mag hoogstens {max_length} tekens zijn",
    "string_pattern_mismatch": "is geen geldige id (alleen a-z, 0-9 en koppeltekens)",
    "int_type": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "date_type": "moet een datum zijn (JJJJ-MM-DD)",
    "tuple_type": "moet een lijst zijn",
    "model_type": "moet een mapping zijn",
    "greater_than_equal": "moet minstens {ge} zijn",
}


def _located(root: yaml.Node, error: ErrorDetails) -> list[tuple[int, str, str]]:
    ctx = error.get("ctx", {})
    template = _BERICHTEN.get(error["type"])
    problems = ctx.get("plekken", [(error["loc"], template.format(**ctx) if template else error["msg"])])
    return [(_line(root, loc), _field(loc), message) for loc, message in problems]


def _line(root: yaml.Node, loc: Loc) -> int:
    """The 1-based line of the node at loc, or of its nearest existing ancestor."""
    node, line = root, root.start_mark.line
    for part in loc:
        found = _child(node, part)
        if found is None:
            break
        line, node = found
    return line + 1


def _child(node: yaml.Node, part: str | int) -> tuple[int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        # The key's line, not the value's: a nested block value starts on the line after its key.
        return next(((k.start_mark.line, v) for k, v in node.value if k.value == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part].start_mark.line, node.value[part]
    return None


def _field(loc: Loc) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
