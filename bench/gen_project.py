#!/usr/bin/env python3
"""Generates a runnable Alembic project for the check benchmark.

usage: bench/gen_project.py DIR [N [EVERY]]   (N revisions, default 100)

With EVERY > 0, one revision in EVERY is defective (EVERY=20: 5%), the ones
where i % EVERY == EVERY // 2, cycling through three defects: a downgrade
that leaves an index behind (idempotent upgrade), a downgrade that fails
(drops a column that does not exist), and a downgrade that leaves an index
behind with a non-idempotent upgrade (the second upgrade fails too).

The revisions form one linear chain. They cycle through what real histories
do: create a table, add a column, create an index, add a foreign key (with
its column and index), alter a column (type and nullability) and a small
data migration (seed rows, then an UPDATE). Every downgrade undoes its
upgrade exactly, so `migrate-gate check` finds no replay defect; lint
findings (plain CREATE INDEX, no lock_timeout...) are expected.

env.py reads DATABASE_URI, else sqlalchemy.url, like most projects.
DIR is emptied of a previous versions/ first; the output is deterministic.
"""
import hashlib
import os
import shutil
import sys
import textwrap

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s
# env.py prefers DATABASE_URI; this database does not exist on purpose.
sqlalchemy.url = postgresql:///bench_does_not_exist

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""

ENV_PY = '''\
"""Alembic environment of the generated benchmark project."""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name)


def database_url():
    return os.environ.get("DATABASE_URI") or config.get_main_option("sqlalchemy.url")


def run_migrations_offline():
    context.configure(url=database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

HEADER = '''\
"""{message}

Revision ID: {rev}
Revises: {down}
"""
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down_repr}
branch_labels = None
depends_on = None


'''


def rev_id(i):
    return hashlib.sha1(f"bench-{i}".encode()).hexdigest()[:12]


def body(upgrade, downgrade):
    """The two functions from their (dedented) bodies."""
    up = textwrap.indent(textwrap.dedent(upgrade).strip(), "    ")
    down = textwrap.indent(textwrap.dedent(downgrade).strip(), "    ")
    return f"def upgrade():\n{up}\n\n\ndef downgrade():\n{down}\n"


def create_table(t, prev):
    return f"create table {t}", body(f'''
        op.create_table(
            "{t}",
            sa.Column("id", sa.BigInteger, primary_key=True),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        )
    ''', f'''
        op.drop_table("{t}")
    ''')


def add_column(t, prev):
    return f"add {t}.status", body(f'''
        op.add_column("{t}", sa.Column("status", sa.String(20), server_default="new", nullable=True))
    ''', f'''
        op.drop_column("{t}", "status")
    ''')


def create_index(t, prev):
    return f"index {t}.name", body(f'''
        op.create_index("ix_{t}_name", "{t}", ["name"])
    ''', f'''
        op.drop_index("ix_{t}_name", table_name="{t}")
    ''')


def add_foreign_key(t, prev):
    return f"{t}.parent_id references {prev}", body(f'''
        op.add_column("{t}", sa.Column("parent_id", sa.BigInteger, nullable=True))
        op.create_foreign_key("fk_{t}_parent", "{t}", "{prev}", ["parent_id"], ["id"], ondelete="SET NULL")
        op.create_index("ix_{t}_parent_id", "{t}", ["parent_id"])
    ''', f'''
        op.drop_index("ix_{t}_parent_id", table_name="{t}")
        op.drop_constraint("fk_{t}_parent", "{t}", type_="foreignkey")
        op.drop_column("{t}", "parent_id")
    ''')


def alter_column(t, prev):
    return f"widen {t}.name, {t}.status not null", body(f'''
        op.alter_column("{t}", "name", existing_type=sa.String(100), type_=sa.String(200), existing_nullable=False)
        op.alter_column("{t}", "status", existing_type=sa.String(20), nullable=False, existing_server_default="new")
    ''', f'''
        op.alter_column("{t}", "status", existing_type=sa.String(20), nullable=True, existing_server_default="new")
        op.alter_column("{t}", "name", existing_type=sa.String(200), type_=sa.String(100), existing_nullable=False)
    ''')


def data_migration(t, prev):
    return f"seed {t} and mark the rows active", body(f'''
        rows = sa.table("{t}", sa.column("id", sa.BigInteger), sa.column("name", sa.String))
        op.bulk_insert(rows, [{{"id": 1, "name": "alpha"}}, {{"id": 2, "name": "beta"}}, {{"id": 3, "name": "gamma"}}])
        op.execute("UPDATE {t} SET status = 'active' WHERE status = 'new'")
    ''', f'''
        op.execute("UPDATE {t} SET status = 'new' WHERE status = 'active'")
        op.execute("DELETE FROM {t} WHERE id IN (1, 2, 3)")
    ''')


# One cycle per table; the foreign key points at the previous table (itself for the first).
CYCLE = [create_table, add_column, create_index, add_foreign_key, alter_column, data_migration]


def defect(i, every, table, code):
    """The code of revision i, made defective when it is one of every `every`."""
    if not every or i % every != every // 2:
        return code
    up, down = code.split("\n\n\ndef downgrade():\n")
    kind = (i // every) % 3
    if kind == 0:
        up += f'\n    op.execute("CREATE INDEX IF NOT EXISTS ix_defect_{i} ON {table} (id)")'
    elif kind == 1:
        down = f'    op.drop_column("{table}", "no_such_column_{i}")\n' + down
    else:
        up += f'\n    op.create_index("ix_defect_{i}", "{table}", ["id"])'
    return up + "\n\n\ndef downgrade():\n" + down


def revision_file(i, n_tables, every=0):
    kind = CYCLE[(i - 1) % len(CYCLE)]
    table = f"t{n_tables:03d}"
    prev = f"t{n_tables - 1:03d}" if n_tables > 1 else table
    message, code = kind(table, prev)
    code = defect(i, every, table, code)
    down = rev_id(i - 1) if i > 1 else None
    return HEADER.format(message=message, rev=rev_id(i), down=down, down_repr=repr(down)) + code


def generate(root, n, every=0):
    versions = os.path.join(root, "versions")
    shutil.rmtree(versions, ignore_errors=True)
    os.makedirs(versions)
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write(ALEMBIC_INI)
    with open(os.path.join(root, "env.py"), "w") as f:
        f.write(ENV_PY)
    n_tables = 0
    for i in range(1, n + 1):
        if (i - 1) % len(CYCLE) == 0:
            n_tables += 1
        with open(os.path.join(versions, f"{i:04d}_{rev_id(i)}.py"), "w") as f:
            f.write(revision_file(i, n_tables, every))


def main(argv):
    if len(argv) not in (2, 3, 4):
        sys.exit("usage: gen_project.py DIR [N [EVERY]]")
    n = int(argv[2]) if len(argv) >= 3 else 100
    every = int(argv[3]) if len(argv) == 4 else 0
    if n < 0 or every < 0:
        sys.exit("gen_project.py: N and EVERY must be 0 or more")
    generate(argv[1], n, every)


if __name__ == "__main__":
    main(sys.argv)
