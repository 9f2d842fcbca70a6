"""What the topics plug into each other, registered in one place: the change feed's listeners
(behind the deconfliction check's spatial index), where the log finds a group's key, the
auditor's replayers and comparers, and the alert sources.

Registration is explicit, called by each entry point (`create_app`, the `corridor` command,
the test suite, the benchmarks), because behaviour switched on by importing a module depends
on who happened to import what: the change feed used to start when `notifications/models.py`
was imported, the pause replayer when `pauses/replay.py` was, and the operations alerts were
looked up by name with a swallowed `ImportError`, so one broken import dropped the "people
unaccounted" alert without a word. Here a broken import stops the start, and a registry that
is used while empty raises. `register` may run any number of times.
"""

from __future__ import annotations

from corridor.alerts import service as alerts
from corridor.deconfliction import changes
from corridor.groups import service as groups
from corridor.log import audit, audit_compare, checkpoints
from corridor.operations import alerts as operations_alerts
from corridor.pauses import replay as pause_replay


def register() -> None:
    """Register every listener, replayer and alert source (again: no change)."""
    changes.install()
    checkpoints.register_key_names(groups.log_key_names)
    audit.register_replayer(pause_replay.replay_pauses)
    audit_compare.register_comparer(pause_replay.compare_pauses)
    alerts.register_source("operations", operations_alerts.for_caller)
