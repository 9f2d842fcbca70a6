"""create_app(): the API routers, the one mapping of domain errors to RFC 9457 problem details,
and the middleware (security headers, backpressure, body limits)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridor import __version__
from corridor.alerts.api import router as alerts_router
from corridor.backpressure import Backpressure
from corridor.config import Settings, get_settings
from corridor.db import make_engine, make_sessionmaker
from corridor.deconfliction.api import router as deconfliction_router
from corridor.errors import CorridorError
from corridor.groups.api import me_router
from corridor.groups.api import router as groups_router
from corridor.headers import CorridorApp
from corridor.incidents.api import router as incidents_router
from corridor.inputs import pointer, use_settings
from corridor.limits import BodyLimit, TooLarge, too_large_handler
from corridor.log.integrator import attach as attach_integrator
from corridor.notifications.api import router as notifications_router
from corridor.openapi import allowed_methods
from corridor.openapi import install as install_openapi
from corridor.operations.api import router as operations_router
from corridor.pauses.api import router as pauses_router
from corridor.places.api import router as places_router
from corridor.planning.api import router as planning_router
from corridor.problems import problem, problem_of, status_of
from corridor.transparency.api import router as log_router
from corridor.web.incidents.limits import page as too_large_page
from corridor.web.pages import mount
from corridor.web.render import error_page
from corridor.wiring import register as register_wiring

API = "/api/v1"


def _is_page(request: Request) -> bool:
    """A browser asking for a page (not the API): errors come back as a page, not JSON."""
    return not request.url.path.startswith("/api/")


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CorridorError)
    if _is_page(request):
        return error_page(request, status_of(exc), exc.title, exc.detail)
    return problem_of(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """Every refusal of a request's shape: `field` is a JSON pointer into the body (`body` for
    the body as a whole: not JSON, not an object), or the name of the query or path parameter."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors() or [{"loc": ("body",), "msg": "invalid request"}]
    details = [{"field": _field_of(e, exc.body), "message": str(e.get("msg", ""))}
               for e in errors]
    first = details[0]
    return problem(422, "invalid-input", "Invalid input", f"{first['field']}: {first['message']}",
                   field=first["field"], extra={"errors": details})


def _field_of(error: Any, body: Any) -> str:
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid" or not loc:
        return "body"  # FastAPI puts the byte offset of malformed JSON here
    if loc[0] == "body":
        return pointer(loc[1:], body)
    return str(loc[1]) if len(loc) > 1 else str(loc[0])


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _is_page(request):
        return error_page(request, exc.status_code, str(exc.detail), "")
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    response = problem(exc.status_code, slug, str(exc.detail), str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        # Every method of the path, not only those of the first route that matched it.
        response.headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    return response


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The Corridor application: API under /api/v1 (the web pages mount here too)."""
    register_wiring()  # listeners, replayers, alert sources: see corridor.wiring
    settings = settings or get_settings()
    engine = engine or make_engine(settings.resolved_database_url, pool_size=settings.pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The log's background integrator lives as long as the application serves.
        integrator = app.state.sessionmaker.kw["info"]["integrator"]
        integrator.start()
        try:
            yield
        finally:
            integrator.stop()

    # Security headers go around everything, the 503 and 413 and 500 included (corridor.headers).
    app = CorridorApp(
        lifespan=lifespan,
        title="Corridor",
        version=__version__,
        summary="Humanitarian pauses, notifications, counts and a verifiable log",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # the stock docs page loads scripts from a CDN; Corridor works offline
        redoc_url=None,
        # The time range of the settings, for the validators of API bodies and pages alike.
        dependencies=[Depends(use_settings)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(
        engine,
        log_key_dir=settings.log_key_dir,
        checkpoint_interval=settings.checkpoint_interval_seconds,
        wait_for_index=settings.wait_for_index_seconds,
    )
    attach_integrator(app.state.sessionmaker)
    app.add_exception_handler(CorridorError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(TooLarge, too_large_handler(too_large_page))
    app.add_middleware(BodyLimit, max_body_bytes=settings.max_body_bytes,
                       max_evidence_bytes=settings.max_evidence_bytes, page=too_large_page)
    app.add_middleware(Backpressure, limit=settings.concurrency, wait=settings.busy_wait_seconds,
                       threads=settings.worker_threads)

    @app.get(f"{API}/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.include_router(me_router, prefix=API)
    app.include_router(groups_router, prefix=API)
    app.include_router(log_router, prefix=API)
    app.include_router(pauses_router, prefix=API)
    app.include_router(notifications_router, prefix=API)
    app.include_router(deconfliction_router, prefix=API)
    app.include_router(places_router, prefix=API)
    app.include_router(incidents_router, prefix=API)
    app.include_router(alerts_router, prefix=API)
    app.include_router(operations_router, prefix=API)
    app.include_router(planning_router, prefix=API)
    mount(app)
    install_openapi(app)  # the document as the server really answers (problems, auth, media)
    return app


def create_app_from_env() -> FastAPI:
    """The application as each worker process of `corridor serve --workers N` builds it
    (uvicorn's factory): settings from the CORRIDOR_* environment variables."""
    return create_app(get_settings())
