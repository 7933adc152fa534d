"""initial schema: species, samples, assemblies, genome notes

Revision ID: 0001
Revises:
"""
import os

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "schema.sql")


def upgrade():
    with open(SCHEMA, encoding="utf-8") as f:
        op.execute(f.read())


def downgrade():
    for table in ("genome_note", "assembly", "sample", "species"):
        op.drop_table(table)
