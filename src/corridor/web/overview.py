"""The overview: the group's map, the timeline of pause windows and the person's inbox."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from corridor.web.deps import WebUser
from corridor.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def overview(request: Request, login: WebUser) -> Response:
    return render(request, "overview.html", login=login)
