"""The log as members, witnesses and auditors reach it: its API routes, its commands
(`corridor log …`, `corridor audit`), and witness cosignatures. Above `groups`, which the log
itself (`corridor.log`) knows nothing of."""
