"""What every form of the web shares: reading a form's content with the API's own schema, and
finding which input an error belongs to (so it is shown next to that input)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from corridor.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def validated(schema: type[M], raw: dict[str, Any]) -> M:
    """The API schema's reading of a form; its first complaint as InvalidInput naming the path."""
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{path}: {first['msg']}", field=path) from exc


def dotted(field: str | None) -> str:
    """An error's `field` as the forms name paths: the API's JSON pointer `/window/start` (or a
    parameter name) as `window.start`."""
    if not field:
        return "form"
    if not field.startswith("/"):
        return field
    return ".".join(p.replace("~1", "/").replace("~0", "~") for p in field[1:].split("/"))


def field_for(path: str | None, table: Mapping[str, str]) -> str:
    """The input of the longest known prefix of a content path (`via.2` → `route`), else "form"."""
    if not path:
        return "form"
    parts = dotted(path).replace("/", ".").split(".")
    for n in range(len(parts), 0, -1):
        found = table.get(".".join(parts[:n]))
        if found:
            return found
    return "form"
