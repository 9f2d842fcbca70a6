"""places a group adds to the gazetteer, the change feed of each group's features, and versions
and withdrawal of sites and movements (receipts per version)

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
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
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

    _notice_versions_up()


def _notice_versions_up() -> None:
    for table in ("sites", "movements"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                          nullable=False))
            batch_op.add_column(sa.Column("withdrawn_at", corridor.db.UTCDateTime(timezone=True),
                                          nullable=True))
    with op.batch_alter_table("acknowledgements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                      nullable=False))
        for subject in ("site_id", "movement_id"):
            batch_op.drop_constraint(
                f"uq_acknowledgements_{subject}_organisation_id", type_="unique")
            batch_op.create_unique_constraint(
                batch_op.f(f"uq_acknowledgements_{subject}_organisation_id_version"),
                [subject, "organisation_id", "version"])
    op.create_table(
        "notice_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("movement_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("notified_at", corridor.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("log_pending_id", sa.BigInteger(), nullable=False),
        sa.Column("superseded_at", corridor.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(site_id IS NULL) <> (movement_id IS NULL)",
                           name=op.f("ck_notice_versions_one_subject")),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_notice_versions_group_id_groups")),
        sa.ForeignKeyConstraint(["movement_id"], ["movements.id"],
                                name=op.f("fk_notice_versions_movement_id_movements")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_notice_versions_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_versions")),
        sa.UniqueConstraint("movement_id", "number",
                            name=op.f("uq_notice_versions_movement_id_number")),
        sa.UniqueConstraint("site_id", "number", name=op.f("uq_notice_versions_site_id_number")),
    )
    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        for column in ("group_id", "site_id", "movement_id"):
            batch_op.create_index(batch_op.f(f"ix_notice_versions_{column}"), [column],
                                  unique=False)


def _notice_versions_down() -> None:
    op.drop_table("notice_versions")
    with op.batch_alter_table("acknowledgements", schema=None) as batch_op:
        for subject in ("site_id", "movement_id"):
            batch_op.drop_constraint(
                f"uq_acknowledgements_{subject}_organisation_id_version", type_="unique")
            batch_op.create_unique_constraint(
                batch_op.f(f"uq_acknowledgements_{subject}_organisation_id"),
                [subject, "organisation_id"])
        batch_op.drop_column("version")
    for table in ("sites", "movements"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("withdrawn_at")
            batch_op.drop_column("version")


def downgrade() -> None:
    _notice_versions_down()
    op.drop_table("feature_changes")
    op.drop_table("feature_versions")
    with op.batch_alter_table("group_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_places_group_id"))
    op.drop_table("group_places")
