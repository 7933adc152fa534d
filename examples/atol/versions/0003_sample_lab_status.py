"""sample lab status (UNSAFE: written the quick way)

A plain CREATE INDEX blocks writes to sample for the whole build, and the
NOT NULL column without a default fails on any populated table.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("sample", sa.Column("lab_status", sa.String(20), nullable=False))
    op.create_index("ix_sample_lab_status", "sample", ["lab_status"])


def downgrade():
    op.drop_index("ix_sample_lab_status", table_name="sample")
    op.drop_column("sample", "lab_status")
