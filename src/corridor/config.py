"""Settings, read once from the environment (`CORRIDOR_*`); unsafe values refused in production."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AwareDatetime, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret"


class Settings(BaseSettings):
    """Everything configurable; defaults suit the embedded SQLite demo on one machine."""

    model_config = SettingsConfigDict(env_prefix="CORRIDOR_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("corridor")))
    database_url: str | None = None
    secret_key: str = DEV_SECRET
    # The checkpoint origin names this server; auditors pin it with the log key.
    log_origin_host: str = "corridor.local"
    # The general request-body limit stays small; only evidence uploads get the larger one.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_evidence_bytes: int = Field(default=20 * 1_048_576, ge=1024)
    max_vertices: int = 10_000
    checkpoint_interval_seconds: float = 1.0
    # Requests one process works on at once; more are answered 503 with Retry-After. The
    # database pool and the worker threads are sized from it (see `pool_size`, `worker_threads`).
    concurrency: int = Field(default=8, ge=1, le=1024)
    # How long a request may wait for a free slot before that 503 (kept well under a second).
    busy_wait_seconds: float = Field(default=0.75, ge=0, lt=1)
    # A change is answered at commit; its log index follows within a second. Tests set this to
    # have each write wait (up to these seconds) until its entry has its index.
    wait_for_index_seconds: float = 0.0
    # Where `npm ci` put the web pages' libraries; by default the project's node_modules.
    assets_dir: Path | None = None
    # A raster tile server ({z}/{x}/{y}) for where there is internet; the offline borders else.
    tile_url: str | None = None
    # Mark every cookie Secure even when this process sees plain HTTP (behind a TLS proxy that
    # is not in trusted_proxies, or to be sure): browsers then send them over HTTPS only.
    secure_cookies: bool = False
    # Addresses or networks (comma-separated) of the reverse proxies whose X-Forwarded-For and
    # X-Forwarded-Proto `corridor serve` believes; nobody's when empty.
    trusted_proxies: str = ""
    # Times given to the API outside this range are refused (422): no agreement, count or
    # incident of this work predates 2000, and times near year 1 or 9999 overflowed into 500s.
    earliest_time: AwareDatetime = datetime(2000, 1, 1, tzinfo=UTC)
    latest_time: AwareDatetime = datetime(2100, 1, 1, tzinfo=UTC)

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError(
                "CORRIDOR_SECRET_KEY must be set to a long random value in production "
                f"(for example: {secrets.token_urlsafe(32)})"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("CORRIDOR_SECRET_KEY must be at least 32 characters in production")
        return self

    @model_validator(mode="after")
    def _time_range_is_sane(self) -> Settings:
        # Kept well inside datetime's years 1..9999 so that a time a day outside the range
        # still converts to UTC without overflowing.
        if not (datetime(1900, 1, 1, tzinfo=UTC) <= self.earliest_time < self.latest_time
                <= datetime(9000, 1, 1, tzinfo=UTC)):
            raise ValueError("CORRIDOR_EARLIEST_TIME must be before CORRIDOR_LATEST_TIME, "
                             "both between 1900 and 9000")
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for item in proxy_list(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"CORRIDOR_TRUSTED_PROXIES: '{item}' is not an IP address or "
                                 "network (like 10.0.0.5 or 10.0.0.0/24)") from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        """The trusted proxies, one address or network each."""
        return proxy_list(self.trusted_proxies)

    @property
    def resolved_database_url(self) -> str:
        """The database to use: CORRIDOR_DATABASE_URL, else a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return sqlite_url(self.data_dir / "corridor.sqlite3")

    @property
    def pool_size(self) -> int:
        """Database connections per process: one per request in flight, and a few for the log's
        integrator and the live-update polls, which do not count as requests."""
        return self.concurrency + 4

    @property
    def worker_threads(self) -> int:
        """Threads that run the synchronous routes: one per request in flight, and spare ones
        so that live-update polls never wait behind requests."""
        return self.concurrency + 8

    @property
    def log_key_dir(self) -> Path:
        """Where each group's log signing key lives, outside the database."""
        return self.data_dir / "log-keys"


def proxy_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite file."""
    return f"sqlite+pysqlite:///{path}"


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
