"""assembly BUSCO score (DOWNGRADE DEFECT: forgets the index)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.create_table(
        "busco_score",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("assembly_id", sa.BigInteger(), sa.ForeignKey("assembly.id"), nullable=False),
        sa.Column("complete_pct", sa.Numeric(5, 2), nullable=False),
    )
    op.create_index("ix_busco_score_assembly_id", "busco_score", ["assembly_id"])
    op.add_column("assembly", sa.Column("busco_lineage", sa.Text(), nullable=True))


def downgrade():
    # The defect: the column is dropped but the table (and its index) stay behind.
    op.drop_column("assembly", "busco_lineage")
