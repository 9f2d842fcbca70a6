"""operation participants: organisations that record counts and cargo next to the lead

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import corridor.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operation_participants",
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", corridor.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("log_pending_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["people.id"],
            name=op.f("fk_operation_participants_added_by_id_people")),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"],
            name=op.f("fk_operation_participants_operation_id_operations")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_operation_participants_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("operation_id", "organisation_id",
                                name=op.f("pk_operation_participants")),
    )


def downgrade() -> None:
    op.drop_table("operation_participants")
