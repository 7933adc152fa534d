"""update genome note schema: status and authors

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.add_column("genome_note", sa.Column("status", sa.Text(), server_default="draft", nullable=True))
    op.add_column("genome_note", sa.Column("authors", sa.dialects.postgresql.JSONB(), nullable=True))


def downgrade():
    op.drop_column("genome_note", "authors")
    op.drop_column("genome_note", "status")
