"""Alembic environment: runs migrations against the URL set by corridor.migrate."""

from __future__ import annotations

from alembic import context

import corridor.all_models  # noqa: F401  (registers every table)
from corridor.db import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url is not None
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
engine.dispose()
