"""log answers at commit: pending entries carry their leaf hash

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:00:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("log_pending") as batch:
        batch.add_column(sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=True))
    # Entries left pending by the previous version are finished as they stand (no "seq").
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, envelope FROM log_pending")).all()
    for row in rows:
        leaf = hashlib.sha256(b"\x00" + row.envelope.encode()).digest()
        conn.execute(sa.text("UPDATE log_pending SET leaf_hash = :h WHERE id = :i"),
                     {"h": leaf, "i": row.id})
    # The table is rebuilt on SQLite: keep AUTOINCREMENT (an id is never reused).
    with op.batch_alter_table("log_pending",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("leaf_hash", existing_type=sa.LargeBinary(length=32), nullable=False)
        batch.create_index("ix_log_pending_leaf_hash", ["leaf_hash"])


def downgrade() -> None:
    with op.batch_alter_table("log_pending",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index("ix_log_pending_leaf_hash")
        batch.drop_column("leaf_hash")
