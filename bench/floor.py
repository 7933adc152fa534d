#!/usr/bin/python3
"""The floor of the check benchmark: the replay's Alembic work and nothing else.

usage: /usr/bin/python3 bench/floor.py [--one-script-dir] PROJECT_DIR DATABASE_URL

In ONE Python process, through alembic.command, for every revision from base
to head: upgrade R, downgrade -1, upgrade R. No snapshots, no statement
capture, no lint: what any tool that replays each revision must at least
spend. The database must be empty. Prints the step count and the seconds
spent in the steps (interpreter start-up excluded) on stdout.

Each alembic.command call builds a new ScriptDirectory and so imports every
revision file again. --one-script-dir builds it once and reuses it, as
migrate-gate's driver does: the tighter floor.
"""
import os
import sys
import time

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory


def reuse_script_dir(cfg):
    script = ScriptDirectory.from_config(cfg)
    ScriptDirectory.from_config = classmethod(lambda cls, config: script)


def main(argv):
    one_script_dir = "--one-script-dir" in argv
    argv = [a for a in argv if a != "--one-script-dir"]
    if len(argv) != 3:
        sys.exit("usage: floor.py [--one-script-dir] PROJECT_DIR DATABASE_URL")
    project, url = argv[1], argv[2]
    os.environ["DATABASE_URI"] = url
    cfg = Config(os.path.join(project, "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if one_script_dir:
        reuse_script_dir(cfg)
    revisions = [s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()]
    revisions.reverse()  # walk_revisions() goes head to base
    start = time.monotonic()
    for rev in revisions:
        command.upgrade(cfg, rev)
        command.downgrade(cfg, "-1")
        command.upgrade(cfg, rev)
    print(f"{3 * len(revisions)} steps in {time.monotonic() - start:.3f} s")


if __name__ == "__main__":
    main(sys.argv)
