"""web sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import corridor.db

revision: str = "0006"
down_revision: str | None = "0005"  # rechained after 0005 (places) lands
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", corridor.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", corridor.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", corridor.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", corridor.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_web_sessions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_person_id"), "web_sessions", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_web_sessions_person_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
