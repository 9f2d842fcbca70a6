"""The OpenAPI document as the server really answers: who must authenticate, which problems each
operation can send (RFC 9457, one Problem schema), the media types of exports, and links between
operations. Shaped once here from the routes' own dependencies, so a new route is described the
same way without repeating `responses=` on every decorator."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import fastapi.routing
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from corridor.groups.auth import get_principal

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BEARER = "bearer"

# GETs whose policy may refuse a member of the group (403 rather than 404): notices are not
# shown to observers (policy NOTIFICATION_READ), people and tokens only to their own
# organisation (PERSON_READ, own_org_only). Every other read is open to every member kind.
_READS_THAT_MAY_BE_REFUSED = re.compile(r"/(sites|movements)(\.|/|$)|/people(/|$)|/tokens(/|$)")
# POSTs that compute an answer and change nothing: no race with another writer, so no 409.
_POSTS_THAT_CHANGE_NOTHING = frozenset({"/api/v1/groups/{group}/plans"})
# Exports named by their suffix: the body is not JSON, whatever FastAPI guessed.
_EXPORTS = {
    ".csv": ("text/csv", {"type": "string"}),
    ".ics": ("text/calendar", {"type": "string"}),
    ".geojson": ("application/geo+json", {
        "type": "object", "required": ["type", "features"],
        "properties": {"type": {"const": "FeatureCollection"},
                       "features": {"type": "array", "items": {"type": "object"}}}}),
}
# Evidence is kept as sent and served back as a download with its sniffed type.
_EVIDENCE = re.compile(r"/incidents/\{incident_id\}/evidence(/\{sha256\})?$")
_BINARY = {"type": "string", "format": "binary"}

# Links for the stateful phase: what a creating POST under `collection` returns names the new
# item; every operation on that item (by `param`) can follow it.
_LINKS = (
    ("/pauses", "pause_id", "/id"),
    ("/sites", "site_id", "/id"),
    ("/movements", "movement_id", "/id"),
    ("/incidents", "incident_id", "/id"),
    ("/operations", "operation_id", "/id"),
    ("/members", "member", "/slug"),
    ("/people", "username", "/username"),
    ("/tokens", "token_id", "/id"),
    ("/keys", "key_id", "/id"),
    ("/versions", "number", "/current_version"),
)

_WHY = {
    400: "The body could not be read (not JSON, or a broken stream)",
    401: "No bearer token, or a token that is unknown, revoked, or of an inactive person",
    403: "Your organisation's kind or your role may not do this (or, with the web session "
         "cookie, a write without the page's X-CSRF-Token)",
    404: "No such item, or a group you are not a member of (never 403, so ids do not leak)",
    409: "Another change came first, or the move is not allowed in the item's current state",
    413: "The request body is over the server's limit",
    415: "The file is not of a kind accepted as evidence (recognised by its content, not by "
         "its Content-Type header)",
    422: "A parameter or the body is not valid; `field` names it",
    503: "The server is busy (retry after Retry-After seconds) or cannot sign its log",
}


@dataclass(frozen=True)
class _Facts:
    """What the route's own signature says about the problems it can answer with."""

    authenticated: bool
    path_params: bool
    inputs: bool
    body: bool


def install(app: FastAPI) -> None:
    """Serve the shaped document at the app's openapi_url (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document(app: FastAPI) -> dict[str, Any]:
    doc = get_openapi(title=app.title, version=app.version, summary=app.summary,
                      description=app.description, routes=app.routes)
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = _problem_schema()
    components["securitySchemes"] = {BEARER: {
        "type": "http", "scheme": "bearer",
        "description": "A member's API token: `corridor token issue`, or POST "
                       "…/people/{username}/tokens. Sent as `Authorization: Bearer <token>`."}}
    for path, method, route in _operations(app.routes):
        op = doc["paths"][path][method]
        facts = _facts(route)
        _drop_authorization_header(op)
        if facts.authenticated:
            op["security"] = [{BEARER: []}]
        _media_types(path, method, op)
        op["responses"] = _with_problems(op["responses"], path, method, facts)
    _add_links(doc["paths"])
    return doc


def _operations(routes: Iterable[Any]) -> Iterable[tuple[str, str, APIRoute]]:
    # FastAPI >= 0.160 keeps included routers as contexts over the original routes (the
    # prefix applied on the fly); earlier versions copy each route with its full path.
    contexts = getattr(fastapi.routing, "iter_route_contexts", None)
    for item in contexts(list(routes)) if contexts else routes:
        route = getattr(item, "original_route", item)
        if isinstance(route, APIRoute) and getattr(item, "include_in_schema", False):
            for method in sorted(item.methods):
                yield item.path_format, method.lower(), route


def _facts(route: APIRoute) -> _Facts:
    params = _all_params(route.dependant)
    return _Facts(
        authenticated=_depends_on_principal(route.dependant),
        path_params=bool(params["path"]),
        # The Authorization header is read by the principal, never refused as input.
        inputs=bool(params["path"] or params["query"]
                    or [h for h in params["header"] if h != "authorization"]),
        # Evidence reads its raw body itself, so FastAPI sees no body field.
        body=route.body_field is not None
        or ("POST" in (route.methods or ()) and route.path_format.endswith("/evidence")),
    )


def _depends_on_principal(dependant: Dependant) -> bool:
    return any(d.call is get_principal or _depends_on_principal(d)
               for d in dependant.dependencies)


def _all_params(dependant: Dependant) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"path": set(), "query": set(), "header": set()}
    for kind, fields in (("path", dependant.path_params), ("query", dependant.query_params),
                         ("header", dependant.header_params)):
        found[kind] |= {f.alias.lower() if kind == "header" else f.alias for f in fields}
    for sub in dependant.dependencies:
        for kind, names in _all_params(sub).items():
            found[kind] |= names
    return found


def _drop_authorization_header(op: dict[str, Any]) -> None:
    """The token is described by the security scheme, not as a free-form header parameter."""
    params = [p for p in op.get("parameters", [])
              if not (p["in"] == "header" and p["name"].lower() in ("authorization",
                                                                    "content-type"))]
    if params:
        op["parameters"] = params
    else:
        op.pop("parameters", None)


def _statuses(path: str, method: str, facts: _Facts) -> list[int]:
    writes = method != "get"
    found = []
    if facts.body:
        found += [400, 413]
    if facts.authenticated:
        found.append(401)
        if writes or _READS_THAT_MAY_BE_REFUSED.search(path):
            found.append(403)
    if facts.path_params:
        found.append(404)
    if method == "post" and path.endswith("/evidence"):
        found.append(415)
    if writes and path not in _POSTS_THAT_CHANGE_NOTHING:
        found.append(409)
    if facts.inputs or facts.body:
        found.append(422)
    if path != "/api/v1/health":  # health is exempt from backpressure and touches nothing
        found.append(503)
    return sorted(found)


def _with_problems(responses: dict[str, Any], path: str, method: str,
                   facts: _Facts) -> dict[str, Any]:
    shaped = {code: r for code, r in responses.items() if not code.startswith(("4", "5"))}
    for status in _statuses(path, method, facts):
        response: dict[str, Any] = {
            "description": _WHY[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}},
        }
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {
                "description": "Bearer", "schema": {"type": "string"}}}
        if status == 503:
            response["headers"] = {"Retry-After": {
                "description": "Seconds to wait before retrying (when busy)",
                "schema": {"type": "integer"}}}
        shaped[str(status)] = response
    return dict(sorted(shaped.items()))


def _media_types(path: str, method: str, op: dict[str, Any]) -> None:
    ok = next((r for code, r in op["responses"].items() if code.startswith("2")), None)
    for suffix, (media_type, schema) in _EXPORTS.items():
        if path.endswith(suffix) and ok is not None:
            ok["content"] = {media_type: {"schema": schema}}
    if _EVIDENCE.search(path):
        if method == "get" and ok is not None:
            ok["content"] = {"*/*": {"schema": _BINARY}}
        if method == "post":
            op["requestBody"] = {"required": True, "description": "The file's bytes",
                                 "content": {"*/*": {"schema": _BINARY}}}


def _add_links(paths: dict[str, Any]) -> None:
    for source_path, ops in paths.items():
        post = ops.get("post")
        if post is None or "201" not in post["responses"]:
            continue
        for collection, param, pointer in _LINKS:
            if source_path.endswith(collection):
                links = _links_from(source_path, param, pointer, paths)
                if links:
                    post["responses"]["201"]["links"] = links


def _links_from(source: str, param: str, pointer: str,
                paths: dict[str, Any]) -> dict[str, Any]:
    known = set(re.findall(r"\{(\w+)\}", source))
    links = {}
    for target, ops in paths.items():
        wanted = set(re.findall(r"\{(\w+)\}", target))
        if param not in wanted or not wanted - {param} <= known:
            continue
        for op in ops.values():
            parameters = {p: f"$request.path.{p}" for p in sorted(wanted - {param})}
            parameters[param] = f"$response.body#{pointer}"
            links[op["operationId"]] = {"operationId": op["operationId"],
                                        "parameters": parameters}
    return links


def _problem_schema() -> dict[str, Any]:
    return {
        "title": "Problem",
        "description": "RFC 9457 problem details; `type` is stable, `detail` says what was "
                       "wrong and what would be accepted.",
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri",
                     "example": "https://corridor.example/problems/not-found"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "field": {"type": "string", "description": "The parameter or body member at fault"},
            "errors": {"type": "array", "description": "Every invalid input, not only the first",
                       "items": {"type": "object",
                                 "properties": {"field": {"type": "string"},
                                                "message": {"type": "string"}}}},
        },
        # Some problems carry more members (a limit, the current version...).
        "additionalProperties": True,
    }


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the document gives the path (for a 405's Allow header): Starlette's own Allow
    names only the first route that matched, not every method registered on the path."""
    methods: set[str] = set()
    for template, ops in app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)), path):
            methods |= {m.upper() for m in ops}
    if "GET" in methods:
        methods.add("HEAD")  # Starlette answers HEAD wherever it answers GET
    return sorted(methods)
