"""A small HTTP client for the CLI's commands against a server; problems become CorridorErrors."""

from __future__ import annotations

from typing import Any

import httpx

from corridor.errors import CorridorError


class ServerError(CorridorError):
    type = "server-error"
    title = "The server refused the request"


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

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, json=body).json()
