"""genome note review: reviewers and a review date (additive, safe on a live table)

A new table, and a nullable column without a default on genome_note:
catalog-only changes, each waiting at most 2 s for its lock.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.create_table(
        "genome_note_reviewer",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("genome_note_id", sa.BigInteger(), sa.ForeignKey("genome_note.id"), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
    )
    op.create_index("ix_genome_note_reviewer_genome_note_id", "genome_note_reviewer", ["genome_note_id"])
    op.add_column("genome_note", sa.Column("reviewed_on", sa.Date(), nullable=True))


def downgrade():
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.drop_column("genome_note", "reviewed_on")
    op.drop_index("ix_genome_note_reviewer_genome_note_id", table_name="genome_note_reviewer")
    op.drop_table("genome_note_reviewer")
