"""A small HTTP client for the CLI's commands against a server; problems become CorridorErrors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx

from corridor.errors import CorridorError

PAGE = 200  # the largest page a list gives (corridor.paging.MAX_LIMIT)


class ServerError(CorridorError):
    """A refusal from a Corridor server (or no answer: `status` 0), with its HTTP status."""

    type = "server-error"
    title = "The server refused the request"
    status = 0


class Client:
    def __init__(
        self,
        server: str,
        token: str | None = None,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # `http` lets tests pass an in-process client (FastAPI's TestClient is an httpx.Client).
        self.http = http or httpx.Client(base_url=server.rstrip("/"), timeout=timeout)
        self.auth_headers = headers

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs["headers"] = {**self.auth_headers, **kwargs.get("headers", {})}
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ServerError(f"cannot reach {self.http.base_url}: {exc}") from exc
        if response.status_code >= 400:
            try:
                body = response.json()
                detail = body.get("detail", response.text)
                field = body.get("field")
            except ValueError:
                detail, field = response.text[:300], None
            err = ServerError(f"{response.status_code}: {detail}", field=field)
            err.status = response.status_code
            raise err
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs).json()

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[httpx.Response]:
        """Every page of a paged list, following its `Next-Cursor` header (largest pages)."""
        query = {**(params or {}), "limit": PAGE}
        while True:
            response = self.request("GET", path, params=query)
            yield response
            cursor = response.headers.get("Next-Cursor")
            if not cursor:
                return
            query["cursor"] = cursor

    def get_all(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        """The whole of a paged list answered as a JSON array."""
        return [row for page in self.pages(path, params) for row in page.json()]

    def export_all(self, path: str) -> str:
        """The whole of a paged GeoJSON (`.geojson`) or HXL CSV (`.csv`) export, as one."""
        pages = list(self.pages(path))
        if path.endswith(".geojson"):
            collection = pages[0].json()
            for page in pages[1:]:
                collection["features"].extend(page.json()["features"])
            return json.dumps(collection, ensure_ascii=False)
        # CSV with HXL: each page repeats the header and the hashtag row.
        text = pages[0].text
        for page in pages[1:]:
            text += "".join(page.text.splitlines(keepends=True)[2:])
        return text

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, json=body).json()
