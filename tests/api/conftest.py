"""The schemathesis runs' summary lines, printed at the end of the run (CI shows them)."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = [f"schemathesis ({'xfailed' if hasattr(report, 'wasxfail') else report.outcome}) "
             f"{value}"
             for reports in terminalreporter.stats.values() for report in reports
             if isinstance(report, pytest.TestReport) and report.when == "call"
             for name, value in report.user_properties if name == "schemathesis"]
    if lines:
        terminalreporter.section("schemathesis")
        for line in lines:
            terminalreporter.write_line(line)
