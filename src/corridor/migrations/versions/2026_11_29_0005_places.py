"""places a group adds to the gazetteer, and the change feed of each group's features

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import corridor.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", corridor.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("log_pending_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"],
                                name=op.f("fk_group_places_created_by_id_people")),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_group_places_group_id_groups")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_places")),
        sa.UniqueConstraint("group_id", "key", name=op.f("uq_group_places_group_id_key")),
    )
    with op.batch_alter_table("group_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_places_group_id"), ["group_id"], unique=False)
    op.create_table(
        "feature_versions",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_feature_versions_group_id_groups")),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_feature_versions")),
    )
    op.create_table(
        "feature_changes",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_feature_changes_group_id_groups")),
        sa.PrimaryKeyConstraint("group_id", "version", name=op.f("pk_feature_changes")),
    )


def downgrade() -> None:
    op.drop_table("feature_changes")
    op.drop_table("feature_versions")
    with op.batch_alter_table("group_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_places_group_id"))
    op.drop_table("group_places")
