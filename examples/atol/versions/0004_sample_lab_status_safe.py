"""sample lab status, the safe rewrite of 0003

A nullable column with a constant default is catalog-only; the index is
built CONCURRENTLY outside the transaction.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.add_column("sample", sa.Column("qc_status", sa.Text(), server_default="pending", nullable=True))
    with op.get_context().autocommit_block():
        op.execute("SET lock_timeout = '2s'")
        op.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_sample_qc_status ON sample (qc_status)")


def downgrade():
    with op.get_context().autocommit_block():
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_sample_qc_status")
    op.drop_column("sample", "qc_status")
