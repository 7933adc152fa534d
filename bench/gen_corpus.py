#!/usr/bin/env python3
"""Writes a reproducible mixed migration corpus: N statements (default 20,000).

The mix follows what real Alembic histories contain: new tables, added
columns, indexes, constraints, backfills, timeouts, renames and drops.
"""
import random
import sys


def statements(rng, i):
    t = f"table_{i % 400}"
    c = f"col_{i % 17}"
    kinds = [
        lambda: f"CREATE TABLE new_{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                f"name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), payload jsonb);",
        lambda: f"ALTER TABLE {t} ADD COLUMN extra_{i} varchar(64);",
        lambda: f"ALTER TABLE {t} ADD COLUMN flag_{i} boolean NOT NULL DEFAULT false;",
        lambda: f"CREATE INDEX ix_{t}_{i} ON {t} ({c});",
        lambda: f"CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_c_{i} ON {t} ({c}, id);",
        lambda: f"ALTER TABLE {t} ADD CONSTRAINT fk_{i} FOREIGN KEY (owner_id) REFERENCES users (id);",
        lambda: f"ALTER TABLE {t} ADD CONSTRAINT fk_nv_{i} FOREIGN KEY (owner_id) REFERENCES users (id) NOT VALID;",
        lambda: f"ALTER TABLE {t} VALIDATE CONSTRAINT fk_nv_{i - 1};",
        lambda: f"UPDATE {t} SET {c} = lower({c}) WHERE id BETWEEN {i * 1000} AND {i * 1000 + 999};",
        lambda: "SET lock_timeout = '2s';",
        lambda: "SET statement_timeout = '60s';",
        lambda: f"ALTER TABLE {t} ALTER COLUMN {c} TYPE bigint;",
        lambda: f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL;",
        lambda: f"ALTER TABLE {t} RENAME COLUMN {c} TO {c}_old;",
        lambda: f"DROP INDEX IF EXISTS ix_old_{i};",
        lambda: f"COMMENT ON COLUMN {t}.{c} IS 'migrated in revision {i}';",
        lambda: f"INSERT INTO settings (key, value) VALUES ('k{i}', '{rng.randint(0, 10**6)}');",
        lambda: f"ALTER TABLE {t} ADD CONSTRAINT ck_{i} CHECK ({c} IS NOT NULL) NOT VALID;",
    ]
    return rng.choice(kinds)()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rng = random.Random(42)
    out = sys.stdout
    for i in range(n):
        if i % 50 == 0:
            out.write(f"-- revision {i // 50:04d}\n")
        out.write(statements(rng, i) + "\n")


if __name__ == "__main__":
    main()
