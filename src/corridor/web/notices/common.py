"""What the notification pages share: the labels people read for stored words (site types,
receipts, phases, the check's headings, incident types) and who gets which button."""

from __future__ import annotations

from fastapi import Request

from corridor.errors import Conflict, CorridorError
from corridor.groups.principal import Principal
from corridor.notifications import service as notifications
from corridor.notifications.models import Movement, Site
from corridor.notifications.schemas import AcknowledgementOut
from corridor.web.render import gettext


def labels(request: Request) -> dict[str, dict[str, str]]:
    """What people read for the stored words: site types, receipts, phases, check headings."""
    _ = gettext(request)
    return {
        "site_type": {"hospital": _("Hospital"), "shelter": _("Shelter"),
                      "warehouse": _("Warehouse"), "office": _("Office"),
                      "distribution_point": _("Distribution point"), "other": _("Other")},
        "ack": {"pending": _("Pending"), "acknowledged": _("Acknowledged"),
                "overdue": _("Overdue")},
        "phase": {"planned": _("Planned"), "under_way": _("Under way"),
                  "arrived": _("Arrived")},
        "check": {"covered": _("Covered"), "not_covered": _("Not covered"),
                  "no_pause": _("No agreed pause"),
                  "outside_pause": _("Outside the pause"),
                  "leaves_pause": _("Leaves the corridor"),
                  "pause_not_agreed": _("Pause not agreed"),
                  "departs_before_window": _("Departs before the window"),
                  "departs_after_window": _("Departs after the window"),
                  "arrives_before_window": _("Arrives before the window"),
                  "arrives_after_window": _("Arrives after the window"),
                  "site_near_route": _("Site near the route"),
                  "incident_near_route": _("Incident near the route")},
        "incident": {"shelling": _("Shelling"), "air_strike": _("Air strike"),
                     "small_arms_fire": _("Small arms fire"),
                     "mines_uxo": _("Mines or unexploded ordnance"),
                     "blocked_passage": _("Blocked passage"), "detention": _("Detention"),
                     "other": _("Other")},
    }


def may_notify(principal: Principal) -> bool:
    return notifications.may_notify(principal)


def may_acknowledge(principal: Principal, subject: Site | Movement,
                    receipts: list[AcknowledgementOut]) -> bool:
    """A party's operator may acknowledge once; the service checks again when pressed."""
    own = principal.organisation.slug
    done = any(r.party == own and r.status == "acknowledged" for r in receipts)
    return not done and principal.organisation.kind == "party" and (
        notifications.may_acknowledge(principal, subject))


def ack_refused(request: Request, exc: CorridorError) -> dict[str, str]:
    """The error next to the Acknowledge button: a translated lead, the server's words after."""
    _ = gettext(request)
    lead = (_("Already acknowledged.") if isinstance(exc, Conflict)
            else _("Your role does not allow acknowledging for this party."))
    return {"ack": f"{lead} {exc.detail}"}
