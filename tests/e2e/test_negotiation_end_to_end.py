"""A pause proposed, amended, signed by both parties from the CLI with their own key files,
withdrawn, and audited, against a running `corridor serve`."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.e2e.procs import Corridor
from tests.pauses_helpers import content

pytestmark = pytest.mark.slow


def setup_group(c: Corridor) -> dict[str, str]:
    """The group through the admin commands; the people after the first each cost two seconds
    of a command starting up, so they are added in this process through the same service."""
    c.run("groups", "create", "e2e", "--name", "E2E group", "--timezone", "Europe/Kyiv")
    tokens: dict[str, str] = {}
    for org, kind, zone in [("ocha", "convener", "Europe/Kyiv"), ("kyiv", "party", "Europe/Kyiv"),
                            ("moscow", "party", "Europe/Moscow")]:
        c.run("members", "add", "e2e", org, "--name", org.upper(), "--kind", kind,
              "--timezone", zone)
        for role in ("admin", "negotiator"):
            username = f"{org}.{role}"
            if org == "ocha":
                c.run("people", "add", "e2e", org, username, "--role", role)
                tokens[username] = c.json("tokens", "issue", "e2e", username)["token"]
            else:
                tokens[username] = c.add_person("e2e", org, username, role)
    return tokens


def test_a_pause_is_negotiated_signed_withdrawn_and_audited_from_the_cli(
    corridor: Corridor, tmp_path: Path
) -> None:
    c = corridor
    c.run("db", "upgrade")
    tokens = setup_group(c)
    with c.server() as url:
        common = ["--server", url, "--group", "e2e"]
        keys = {}
        for party in ("kyiv", "moscow"):
            keys[party] = tmp_path / f"{party}.pem"
            gen = c.json("keys", "generate", "--out", str(keys[party]))
            assert oct(keys[party].stat().st_mode & 0o777) == "0o600"
            assert c.json("keys", "fingerprint", str(keys[party]))["fingerprint"] == \
                gen["fingerprint"]
            c.run("keys", "register", str(keys[party]), "--member", party, *common,
                  "--token", tokens[f"{party}.admin"])
        body = content(required_signatories=["kyiv", "moscow"])
        (tmp_path / "v1.json").write_text(json.dumps(body))
        pause = c.json("pauses", "propose", str(tmp_path / "v1.json"), *common,
                       "--token", tokens["ocha.negotiator"])
        pid = str(pause["id"])
        c.run("pauses", "sign", pid, "--key", str(keys["kyiv"]), "--yes", *common,
              "--token", tokens["kyiv.negotiator"])
        body["conditions"] = "Amended: buses only."
        (tmp_path / "v2.json").write_text(json.dumps(body))
        c.run("pauses", "amend", pid, str(tmp_path / "v2.json"), "--base-version", "1",
              *common, "--token", tokens["ocha.negotiator"])
        diff = c.json("pauses", "diff", pid, "--from", "1", "--to", "2", *common,
                      "--token", tokens["moscow.negotiator"])
        assert [ch["field"] for ch in diff["changes"]] == ["conditions"]
        # signing without --yes asks first; answering no sends nothing
        refused = c.run("pauses", "sign", pid, "--key", str(keys["moscow"]), *common,
                        "--token", tokens["moscow.negotiator"], ok=False, stdin="n\n")
        assert refused.returncode != 0
        for party in ("kyiv", "moscow"):
            c.run("pauses", "sign", pid, "--key", str(keys[party]), "--yes", *common,
                  "--token", tokens[f"{party}.negotiator"])
        shown = c.json("pauses", "show", pid, *common, "--token", tokens["ocha.negotiator"])
        assert shown["stored_state"] == "agreed"
        assert [cst["void"] for cst in shown["consents"]] == [True, False, False]
        # the wrong party's key is refused with a clear message and a non-zero exit
        wrong = c.run("pauses", "withdraw", pid, "--key", str(keys["kyiv"]), "--yes", *common,
                      "--token", tokens["moscow.negotiator"], ok=False)
        assert wrong.returncode == 2 and "belongs to kyiv" in wrong.stderr
        c.run("pauses", "withdraw", pid, "--key", str(keys["moscow"]), "--yes", *common,
              "--token", tokens["moscow.negotiator"])
        audit = c.json("audit", "--server", url, "--group", "e2e", "--state",
                       str(tmp_path / "audit"), "--token", tokens["kyiv.negotiator"])
        assert audit["ok"] and audit["signatures_checked"] == 4
        tiles = tmp_path / "tiles"
    c.run("export", "tiles", str(tiles), "--group", "e2e")
    vkey = audit_key = json.loads((tmp_path / "audit" / "state.json").read_text())["vkey"]
    mirror = c.json("audit", "--tiles", str(tiles), "--group", "e2e", "--state",
                    str(tmp_path / "mirror-audit"), "--log-key", vkey)
    assert mirror["ok"] and mirror["size"] >= audit["size"] and audit_key
    # the same export served by any static web server
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tiles))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        over_http = c.json("audit", "--tiles", f"http://127.0.0.1:{httpd.server_port}",
                           "--group", "e2e", "--state", str(tmp_path / "http-audit"),
                           "--log-key", vkey)
    finally:
        httpd.shutdown()
    assert over_http["ok"] and over_http["size"] == mirror["size"]


def test_wrong_arguments_give_a_short_message_and_a_non_zero_exit(corridor: Corridor) -> None:
    c = corridor
    for args in (["members", "add"], ["keys", "fingerprint", "/nonexistent.pem"],
                 ["groups", "create", "Bad Slug", "--name", "x"], ["nonsense"]):
        proc = c.run(*args, ok=False)
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr, proc.stderr


def test_serve_refuses_an_out_of_date_schema_and_names_the_command(
    corridor: Corridor, tmp_path: Path
) -> None:
    proc = corridor.run("serve", "--db", str(tmp_path / "empty.sqlite3"), ok=False)
    assert proc.returncode == 2
    assert "corridor db upgrade" in proc.stderr and "Traceback" not in proc.stderr
