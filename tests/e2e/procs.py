"""Running the real `corridor` command and a real `corridor serve` process in tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.db import make_engine, make_sessionmaker
from corridor.groups import service as groups
from corridor.groups.principal import OPERATOR


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Corridor:
    """The CLI with a fixed environment (data dir and database)."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.env = {**os.environ, "CORRIDOR_DATA_DIR": str(data_dir),
                    "CORRIDOR_DATABASE_URL": database_url, "CORRIDOR_ENVIRONMENT": "test"}

    def run(self, *args: str, ok: bool = True, stdin: str | None = None
            ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "corridor", *args], env=self.env, text=True,
                              capture_output=True, input=stdin, timeout=120)
        if ok and proc.returncode != 0:
            raise AssertionError(f"corridor {' '.join(args)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    def settings(self) -> Settings:
        return Settings(environment="test", data_dir=Path(self.env["CORRIDOR_DATA_DIR"]),
                        database_url=self.env["CORRIDOR_DATABASE_URL"])

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on this command's database and log keys, in this process."""
        settings = self.settings()
        engine = make_engine(settings.resolved_database_url)
        try:
            with make_sessionmaker(engine, log_key_dir=settings.log_key_dir)() as db:
                yield db
        finally:
            engine.dispose()

    def add_group(self, slug: str, members: list[tuple[str, str]], role: str = "operator",
                  timezone: str = "Europe/Kyiv") -> dict[str, str]:
        """A group with one person of `role` in each (member, kind); their tokens by member.

        In this process, through the same service functions the admin commands call: only the
        negotiation test is about those commands (it runs them), and each command started is
        two seconds of Python starting up."""
        settings = self.settings()
        with self.session() as db:
            groups.create_group(db, slug=slug, name=slug.upper(), timezone=timezone,
                                key_dir=settings.log_key_dir,
                                origin_host=settings.log_origin_host)
            for org_slug, kind in members:
                groups.add_organisation(db, group=groups.get_group(db, slug=slug),
                                        actor=OPERATOR, slug=org_slug, name=org_slug.upper(),
                                        kind=kind, timezone=timezone)
        return {org_slug: self.add_person(slug, org_slug, f"{org_slug}.{role}", role)
                for org_slug, _ in members}

    def add_person(self, group: str, member: str, username: str, role: str) -> str:
        """A person of an existing member, in this process; their new token."""
        with self.session() as db:
            found = groups.get_group(db, slug=group)
            org = groups.get_organisation(db, group=found, slug=member)
            person = groups.add_person(db, organisation=org, actor=OPERATOR,
                                       username=username, display_name=username, role=role)
            return groups.issue_token(db, person=person, actor=OPERATOR, label="e2e")[1]

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)

    def start_server(self, port: int, *options: str, log: Path | None = None
                     ) -> subprocess.Popen[bytes]:
        """A `corridor serve` answering on `port`; its stderr goes to `log` when given (a pipe
        nobody reads would stall a server that writes much)."""
        command = [sys.executable, "-m", "corridor", "serve", "--port", str(port), *options]
        if log is None:
            proc = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
        else:
            with log.open("wb") as err:
                proc = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=err)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                    return proc
            except httpx.HTTPError:
                time.sleep(0.1)
            if proc.poll() is not None:
                said = (log.read_text() if log is not None
                        else proc.stderr.read().decode() if proc.stderr else "")
                raise AssertionError(f"server exited: {said}")
        proc.kill()
        raise AssertionError("server did not answer within 30 s")

    @contextmanager
    def server(self) -> Iterator[str]:
        port = free_port()
        proc = self.start_server(port)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
