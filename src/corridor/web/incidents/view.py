"""What the incidents pages show besides the incidents package's own views: labels in the
reader's language, the agreed pauses drawn under the report map (so a reporter sees whether a
place lies in a corridor), the zones a time may be given in, and reading the report form."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.pauses import views as pause_views
from corridor.pauses import visible
from corridor.pauses.models import Pause

Gettext = Callable[[str], str]
AGES = ("children", "adults", "age_unknown")
HURT = ("killed", "injured")
FIELDS = ("type", "occurred_at", "zone", "lon", "lat", "uncertainty_m", "place", "narrative",
          *(f"{h}_{a}" for h in HURT for a in AGES))


def labels(_: Gettext) -> dict[str, dict[str, str]]:
    return {
        "type": {"shelling": _("Shelling"), "air_strike": _("Air strike"),
                 "small_arms_fire": _("Small-arms fire"), "mines_uxo": _("Mines or UXO"),
                 "blocked_passage": _("Blocked passage"),
                 "detention": _("Detention of staff or evacuees"), "other": _("Other")},
        "status": {"open": _("Follow-up open"), "answered": _("Answered"),
                   "closed": _("Closed"), "not_linked": _("Not linked")},
        "link": {"possible_breach": _("Possible breach of pause %(id)s"),
                 "site_affected": _("Notified site %(id)s possibly affected"),
                 "movement_affected": _("Movement %(id)s under way possibly affected")},
        "age": {"children": _("Children"), "adults": _("Adults"),
                "age_unknown": _("Age unknown")},
        "hurt": {"killed": _("Killed"), "injured": _("Injured")},
    }


def link_url(kind: str, subject: int) -> str:
    return {"possible_breach": f"/pauses/{subject}", "site_affected": f"/sites/{subject}",
            "movement_affected": f"/movements/{subject}"}.get(kind, "#")


def pause_features(db: Session, principal: Principal) -> str:
    """The group's agreed pauses (read by every member) as GeoJSON for the map."""
    features: list[dict[str, Any]] = []
    agreed = select(Pause.id).where(visible.rule(principal.actor), Pause.state == "agreed")
    for _, (pause, content) in sorted(pause_views.current(db, agreed).items()):
        props = {"title": content.get("title", f"#{pause.id}"), "status": "agreed",
                 "url": f"/pauses/{pause.id}"}
        if content.get("area"):
            features.append({"type": "Feature", "geometry": content["area"],
                             "properties": props})
        if content.get("corridor"):
            features.append({"type": "Feature", "geometry": content["corridor"]["route"],
                             "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features})


def zones(db: Session, principal: Principal, reader_zone: str) -> list[str]:
    """The reader's zone first, then each member's and the group's, then UTC."""
    found = [reader_zone, principal.group.timezone, *db.scalars(
        select(Organisation.timezone).where(Organisation.group_id == principal.group.id)
        .order_by(Organisation.id)), "UTC"]
    return list(dict.fromkeys(z for z in found if z))


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse(form: FormData, _: Gettext) -> tuple[dict[str, Any], dict[str, str],
                                              list[tuple[bytes, str | None]]]:
    """The API body the report form stands for, what could not be read, and the files sent."""
    value = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"type": value.get("type", ""), "place": value.get("place", "").strip(),
                            "narrative": value.get("narrative", "").strip()}
    for name in ("lon", "lat"):
        number = _number(value.get(name, ""))
        if number is None:
            errors[name] = _("Enter a number in decimal degrees, e.g. 47.0951, or click the map.")
        body[name] = number
    radius = value.get("uncertainty_m", "").strip() or "0"
    body["uncertainty_m"] = int(radius) if radius.isdigit() else None
    if body["uncertainty_m"] is None:
        errors["uncertainty_m"] = _("Enter a whole number of metres, 0 or more.")
    body["casualties"] = {h: {} for h in HURT}
    for h in HURT:
        for a in AGES:
            text = value.get(f"{h}_{a}", "").strip() or "0"
            if not text.isdigit():
                errors[f"{h}_{a}"] = _("Enter a whole number, 0 or more.")
            else:
                body["casualties"][h][a] = int(text)
    try:
        zone = ZoneInfo(value.get("zone", "UTC"))
        local = datetime.fromisoformat(value.get("occurred_at", "").strip())
        body["occurred_at"] = local if local.tzinfo else local.replace(tzinfo=zone)
    except (ValueError, ZoneInfoNotFoundError):
        errors["occurred_at"] = _("Give the date and time it happened, like 2022-05-01 14:30.")
    return body, errors, files_of(form)


def files_of(form: FormData) -> list[tuple[bytes, str | None]]:
    """The files chosen in the form's evidence field, with the media type the browser gave."""
    return [(item.file.read(), item.content_type) for item in form.getlist("evidence")
            if isinstance(item, UploadFile) and item.filename]


def field_of(loc: str) -> str:
    """The form field an API field or a validation location belongs to."""
    parts = loc.split(".")
    if parts[0] == "casualties" and len(parts) >= 3:
        return f"{parts[1]}_{parts[2]}"
    if parts[0] in ("location", "lon"):
        return "lon"
    if parts[0] in ("evidence", "content-type"):
        return "evidence"
    return parts[0] if parts[0] in (*FIELDS, "text", "reason") else "form"


def lead(field: str, _: Gettext) -> str:
    """The translated first words of an error, before the server's own detail."""
    leads = {
        "type": _("Choose the type of incident."),
        "occurred_at": _("Give when it happened; it cannot be in the future."),
        "lon": _("The location was not accepted."),
        "lat": _("The location was not accepted."),
        "uncertainty_m": _("The uncertainty is a radius in metres, at most 50 000."),
        "place": _("The place name is too long."),
        "narrative": _("The description is too long (at most 4000 characters)."),
        "evidence": _("The evidence file was not accepted; nothing was saved."),
        "text": _("The answer was not accepted."),
        "reason": _("Say why the follow-up is closed (at least 3 characters)."),
    }
    if field in leads:
        return leads[field]
    if "_" in field and field.split("_")[0] in HURT:
        return _("Enter a whole number, 0 or more.")
    return _("Nothing was saved.")
