"""migrate-gate's Alembic driver.

Embedded in the migrate-gate binary and run as `python -c <this file> ARGS` in
the project's directory, under an interpreter that can import alembic. One
process serves a whole run: importing alembic and loading the revision files
once is what makes a replay of many revisions cheap.

Arguments: --config FILE (-c), --name SECTION (-n), -x KEY=VALUE (repeatable).
The database URL comes in the environment variable MIGRATE_GATE_DB_URL (never
on the command line, where `ps` would show its password), or later in a
"url" request.

Revision files are untrusted code. The gate starts this process with an
environment that names no database but the one it chose (DATABASE_URI,
DATABASE_URL and libpq's PG* point there, or are absent), and before env.py or
any revision file is imported, a guard is installed on SQLAlchemy's Engine
(do_connect) and on psycopg2's connect: a connection to any host, port or
database but the chosen one (the URL of the last "url" request; none before
it) raises ConnectionRefusedByGate and is listed under "refused" in the
response, which the gate turns into an environment error (exit 3).

Protocol: one JSON request per line on stdin, one JSON response per line on
stdout. Every response has "ok"; a failure carries
    "error": {"type", "message", "file", "line"}
where file/line is the last traceback frame inside a revision file, else
inside env.py, else the last frame. Requests ("op"):
    url          {"url"}: the URL env.py sees from now on
    graph        every revision file, with its edges
    heads        the script directory's heads
    upgrade      {"rev"}: alembic upgrade REV, with statement capture
    downgrade    {"rev", "target"?}: undo exactly REV; with target,
                 alembic downgrade TARGET (e.g. one parent of a merge)
    current      the alembic_version rows, read through env.py
    session      {"application_name", "pgoptions"}: PGAPPNAME and extra
                 PGOPTIONS for the sessions env.py opens from now on, also
                 SET on every checkout, and env.py's engines kept from one
                 request to the next (apply); empty values end that
    offline-sql  {"range": "FROM:TO"}: alembic upgrade FROM:TO --sql
    model-drift  autogenerate's comparison of env.py's target_metadata with
                 the database: {"has_metadata", "diffs": [{"summary", "code"}]}

Every request may carry "hold_commits": true (Connection.commit() from
revision code is then a no-op for that request), and every response carries
"commits": the Connection.commit() calls revision code made ({"revision",
"file", "line"}); a failure's "error" also has "revision" (the revision file
innermost in the traceback, or null) and "raised_by_revision" (its own code
raised, not a library it called). A downgrade of one revision answers
"downgrade_empty": whether its downgrade() body is empty (pass, ..., a
docstring), which declares it irreversible.
The first line written is a greeting: {"ok": true, "hello": {...}}, or an
error of type ModuleNotFoundError / ConfigNotFound.

What env.py must honour (any one of these is enough):
  * config.get_main_option("sqlalchemy.url") -- the driver sets it on the
    Config (with % escaped as %%), as `alembic -x`-free projects expect;
  * the DATABASE_URI or DATABASE_URL environment variables;
  * libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE (set from the
    URL; the ones the URL lacks are removed).
It must build its engine with SQLAlchemy (create_engine / engine_from_config)
so that the Engine-level cursor events see every statement, and it must run
migrations through context.run_migrations(). It may use transaction_per_migration
and autocommit_block freely. Anything env.py prints or logs goes to stderr:
stdout is the protocol channel.
"""

import argparse
import functools
import io
import json
import math
import os
import re
import sys
import time
import traceback

# The protocol gets private copies of stdin and stdout; fd 0 becomes /dev/null
# and fd 1 becomes stderr so that nothing env.py does can corrupt the channel.
PROTO_IN = os.fdopen(os.dup(0), "r", encoding="utf-8")
PROTO_OUT = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
os.dup2(2, 1)
sys.stdout = sys.stderr
sys.stdin = open(os.devnull, "r")

MAX_PARAMS = 200  # executemany of a big data migration: keep the first ones
# A data migration looping over rows: past the first MAX_STMTS statements, a
# statement of a shape already captured (same text once literals and
# placeholders are blanked) is only counted; a new shape is still captured, so
# a CREATE INDEX after 20,000 UPDATEs is linted. Past 4 * MAX_STMTS, new shapes
# are counted as "overflow" too, which the gate reports as an error finding:
# nothing is dropped silently, and memory stays bounded.
MAX_STMTS = int(os.environ.pop("MIGRATE_GATE_MAX_STATEMENTS", "20000"))
SHAPE_RE = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|%\(\w+\)s|%s")

CATALOG_RE = re.compile(
    r"\b(from|join)\s+(pg_catalog\.)?pg_\w+|\binformation_schema\.|^\s*show\s"
    r"|\bcurrent_schema\(\)|\bversion\(\)|'test (plain|unicode) returns'",
    re.I)
ENV_RE = re.compile(r"^\s*(set|reset)\s", re.I)
BASE_PGOPTIONS = os.environ.get("PGOPTIONS", "")


class Session:
    """apply's migration session: its settings, and the engines kept from one request to the next.

    After a "session" request, every connection env.py checks out gets the
    application_name and the -c settings again (a session pooler may drop
    startup options, and a kept connection was named for the previous
    revision), and create_engine() returns the engine env.py built in an
    earlier request with the same arguments, with a pool that keeps one
    connection: the revisions run one at a time in one migration session,
    without a new backend, a new SQLAlchemy dialect set-up and their round
    trips for each. An empty "session" request closes them.
    """

    def __init__(self):
        self.settings = []  # (name, value): application_name and the -c options
        self.per_migration = False  # a Chain runs: each revision in a transaction of its own
        self.engines = {}
        self.version_tables = set()  # (url, schema, table) seen to exist

    def apply_settings(self, dbapi_conn):
        if not self.settings:
            return
        # In autocommit, one round trip: psycopg2 otherwise sends BEGIN first, then COMMIT.
        saved, dbapi_conn.autocommit = dbapi_conn.autocommit, True
        try:
            cur = dbapi_conn.cursor()
            cur.execute("SELECT " + ", ".join(["set_config(%s, %s, false)"] * len(self.settings)),
                        [v for pair in self.settings for v in pair])
            cur.close()
        finally:
            dbapi_conn.autocommit = saved

    def close(self):
        for engine in self.engines.values():
            engine.dispose()
        self.engines = {}
        self.settings = []
        self.version_tables = set()


SESSION = Session()


class ConnectionRefusedByGate(Exception):
    """A connection to a database other than the one the gate chose for this step."""


# libpq's built-in default when neither host nor PGHOST is given (Debian's build).
DEFAULT_SOCKET_DIR = "/var/run/postgresql"


def _norm_host(h):
    h = (h or "").strip()
    return os.path.normpath(h) if h.startswith("/") else h.lower()


def effective_target(params):
    """(hosts, port, dbname) libpq would connect to with these conninfo params."""
    env = os.environ
    if params.get("service") or env.get("PGSERVICE"):
        raise ConnectionRefusedByGate("a service= definition cannot be checked")
    addr = params.get("hostaddr") or env.get("PGHOSTADDR")
    host = addr or params.get("host") or env.get("PGHOST") or DEFAULT_SOCKET_DIR
    user = params.get("user") or env.get("PGUSER")
    if not user:
        import getpass
        user = getpass.getuser()
    hosts = tuple(_norm_host(h) or DEFAULT_SOCKET_DIR for h in str(host).split(","))
    port = str(params.get("port") or env.get("PGPORT") or "5432").strip()
    dbname = str(params.get("dbname") or params.get("database") or env.get("PGDATABASE") or user)
    return hosts, port, dbname


class Guard:
    """Lets connections reach the chosen database only; remembers what it refused."""

    def __init__(self):
        self.allowed = None
        self.refused = []

    def allow_env(self):
        """The target is where the environment (just set from the URL) points."""
        self.allowed = effective_target({})

    def check(self, params, via):
        try:
            target = effective_target(params)
        except ConnectionRefusedByGate as exc:
            self.refuse(params.get("host") or "", params.get("port") or "",
                        params.get("dbname") or params.get("database") or "", via, str(exc))
        if self.allowed is None:
            self.refuse(",".join(target[0]), target[1], target[2], via,
                        "no database is chosen before the first step")
        if target[1:] != self.allowed[1:] or any(h not in self.allowed[0] for h in target[0]):
            self.refuse(",".join(target[0]), target[1], target[2], via,
                        "not the database the gate chose")

    def refuse(self, host, port, dbname, via, reason):
        item = {"host": str(host), "port": str(port), "dbname": str(dbname), "via": via,
                "reason": reason}
        self.refused.append(item)
        raise ConnectionRefusedByGate(
            "migrate-gate refused a connection to host '%s' port %s database '%s' (%s): %s"
            % (item["host"], item["port"] or "-", item["dbname"], via, reason))


GUARD = Guard()


def send(obj):
    PROTO_OUT.write(json.dumps(obj) + "\n")
    PROTO_OUT.flush()


def json_safe(value, depth=0):
    """Bound parameters as JSON: scalars kept, the rest as repr()."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if depth < 4 and isinstance(value, (list, tuple)):
        return [json_safe(v, depth + 1) for v in value[:MAX_PARAMS]]
    if depth < 4 and isinstance(value, dict):
        return {str(k): json_safe(v, depth + 1) for k, v in value.items()}
    return repr(value)


class Capture:
    """Statements of the current request, and what is running right now."""

    def __init__(self):
        self.stmts = None  # list while a request captures
        self.dropped = 0
        self.overflow = 0
        self.shapes = None
        self.revision = None  # revision whose migration function is running
        self.autocommit_block = 0
        self.context = None  # the MigrationContext of the current run
        self.started = {}
        self.commits = []  # what a revision committed itself (see note_commit)
        self.in_xact = {}  # id(DB-API connection): its transaction was open after its last statement
        self.commit_via = None  # the wrapper that is committing right now, to name it

    def begin(self):
        self.stmts = []
        self.dropped = 0
        self.overflow = 0
        self.shapes = None  # shapes captured, once past MAX_STMTS
        self.revision = None
        self.autocommit_block = 0
        self.context = None
        self.started = {}
        self.commits = []
        self.in_xact = {}
        self.commit_via = None

    def version_table(self):
        ctx = self.context
        return getattr(ctx, "version_table", None) or "alembic_version"

    def kind(self, sql):
        if re.search(r'\b"?%s"?\b' % re.escape(self.version_table()), sql):
            return "bookkeeping"
        if CATALOG_RE.search(sql):
            return "introspection"
        if self.revision is not None:
            return "migration"
        return "env" if ENV_RE.search(sql) else "introspection"

    def record(self, cursor, sql, params, failed):
        if self.stmts is None or sql is None:
            return
        t0 = self.started.pop(id(cursor), None)
        dbapi_conn = getattr(cursor, "connection", None)
        autocommit = bool(getattr(dbapi_conn, "autocommit", False)) or self.autocommit_block > 0
        kind = self.kind(sql)
        if len(self.stmts) >= MAX_STMTS and not failed and self.seen_shape(sql, kind, autocommit):
            return
        sent = getattr(cursor, "query", None)  # psycopg2: the text the server received
        self.stmts.append({
            "sql": sql,
            "sent": sent.decode("utf-8", "replace") if isinstance(sent, bytes) and sent != sql.encode() else None,
            "parameters": json_safe(params) if params else None,
            "duration_ms": (time.perf_counter() - t0) * 1000.0 if t0 else 0.0,
            "kind": kind,
            "revision": self.revision,
            "autocommit": autocommit,
            "failed": failed,
        })

    def seen_shape(self, sql, kind, autocommit):
        """Past the cap: True (and counted) for a statement that needs no capture."""
        if self.shapes is None:
            self.shapes = {(SHAPE_RE.sub("?", st["sql"]), st["kind"], st["revision"], st["autocommit"])
                           for st in self.stmts}
        key = (SHAPE_RE.sub("?", sql), kind, self.revision, autocommit)
        if key in self.shapes:
            self.dropped += 1
            return True
        if len(self.stmts) >= 4 * MAX_STMTS:
            self.overflow += 1
            return True
        self.shapes.add(key)
        return False


CAP = Capture()

COMMIT_RE = re.compile(r"^\s*(commit|end)\b(?!\s+prepared)", re.I)


def xact_status(cursor_or_conn):
    """psycopg2's view of a connection's transaction: "intrans", "idle", or "" when unknown."""
    conn = getattr(cursor_or_conn, "connection", cursor_or_conn)
    try:
        import psycopg2.extensions as ext
        status = conn.info.transaction_status
    except Exception:  # another DBAPI: nothing to watch
        return ""
    return {ext.TRANSACTION_STATUS_INTRANS: "intrans", ext.TRANSACTION_STATUS_IDLE: "idle"}.get(status, "")


def note_commit(dbapi_conn, how, after):
    """Records a commit revision code is about to make, with what the server says it holds.

    The transaction id comes from the server: a transaction that was given none
    wrote nothing, and its commit commits nothing. In apply (a migration session
    is on) it is asked for; elsewhere the commit is recorded without one. The gate
    asks the server again (txid_status) whether the id committed.
    """
    if CAP.stmts is None or CAP.revision is None or xact_status(dbapi_conn) != "intrans":
        return
    xid = None
    if SESSION.settings:
        try:
            cur = dbapi_conn.cursor()
            try:
                cur.execute("SELECT txid_current_if_assigned()::text")
                xid = cur.fetchone()[0]
            finally:
                cur.close()
            if xid is None:
                return  # nothing was written: nothing to commit
        except Exception:
            xid = None
    CAP.commits.append({"revision": CAP.revision, "how": how, "after": after, "xid": xid})


def watch_transaction(cursor, statement):
    """Before a statement: a COMMIT it sends, or a transaction that ended since the last one."""
    if CAP.stmts is None or CAP.revision is None:
        return
    conn = getattr(cursor, "connection", None)
    if statement and COMMIT_RE.match(statement):
        note_commit(conn, "a COMMIT statement", len(CAP.stmts) + 1)
    elif CAP.in_xact.get(id(conn)) and xact_status(conn) == "idle":
        # ended where the driver could not see it (psycopg2's `with conn:`, a raw cursor's
        # COMMIT): no transaction id can be asked for any more, so it counts as committed
        CAP.commits.append({"revision": CAP.revision, "how": "a commit outside SQLAlchemy",
                            "after": len(CAP.stmts), "xid": None})
    CAP.in_xact[id(conn)] = False


def commit_how():
    """Names the commit under way: a wrapper said, or Alembic's autocommit_block() is entering."""
    if CAP.commit_via:
        return CAP.commit_via
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "autocommit_block":
            return "entering autocommit_block()"
        frame = frame.f_back
    return "a DB-API commit()"


WATCHED = {}


def watched_factory(base):
    """A psycopg2 connection class whose commit() is recorded (see note_commit)."""
    import psycopg2.extensions as ext
    base = base or ext.connection
    if base not in WATCHED:
        def commit(self):
            note_commit(self, commit_how(), len(CAP.stmts or ()))
            CAP.in_xact.pop(id(self), None)
            return base.commit(self)

        def rollback(self):
            CAP.in_xact.pop(id(self), None)
            return base.rollback(self)
        WATCHED[base] = type("Watched" + base.__name__, (base,), {"commit": commit, "rollback": rollback})
    return WATCHED[base]


def install_hooks():
    """Engine-class cursor events, and wrappers that tell which revision runs."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from alembic.runtime import migration

    from sqlalchemy.pool import Pool

    @event.listens_for(Pool, "checkout")
    def _checkout(dbapi_conn, record, proxy):
        SESSION.apply_settings(dbapi_conn)

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        watch_transaction(cursor, statement)
        CAP.started[id(cursor)] = time.perf_counter()

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        CAP.record(cursor, statement, parameters, False)
        CAP.in_xact[id(getattr(cursor, "connection", None))] = xact_status(cursor) == "intrans"

    @event.listens_for(Engine, "handle_error")
    def _error(exc_ctx):
        CAP.record(exc_ctx.cursor, exc_ctx.statement, exc_ctx.parameters, True)

    step_init = migration.RevisionStep.__init__

    def init(self, revision_map, revision, is_upgrade):
        step_init(self, revision_map, revision, is_upgrade)
        fn = self.migration_fn

        @functools.wraps(fn)  # keeps __name__: offline markers use it
        def run(*args, **kw):
            outer, CAP.revision = CAP.revision, revision.revision
            try:
                return fn(*args, **kw)
            finally:
                CAP.revision = outer

        self.migration_fn = run

    migration.RevisionStep.__init__ = init

    from alembic.runtime.environment import EnvironmentContext

    configure = EnvironmentContext.configure

    @functools.wraps(configure)
    def configure_hook(self, *args, **kw):
        if SESSION.per_migration:
            kw["transaction_per_migration"] = True
        return configure(self, *args, **kw)

    EnvironmentContext.configure = configure_hook

    ctx_init = migration.MigrationContext.__init__

    def ctx_init_hook(self, *args, **kw):
        ctx_init(self, *args, **kw)
        CAP.context = self

    migration.MigrationContext.__init__ = ctx_init_hook

    block = migration.MigrationContext.autocommit_block

    @functools.wraps(block)
    def autocommit_block(self):
        import contextlib

        @contextlib.contextmanager
        def counted():
            with block(self):
                CAP.autocommit_block += 1
                try:
                    yield
                finally:
                    CAP.autocommit_block -= 1
        return counted()

    migration.MigrationContext.autocommit_block = autocommit_block


def install_guard():
    """The connection guard: on every Engine's connect, and on psycopg2's own connect."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "do_connect")
    def _do_connect(dialect, conn_rec, cargs, cparams):
        if dialect.name != "postgresql":
            GUARD.refuse("(%s)" % dialect.name, "", cparams.get("database") or ":memory:",
                         "sqlalchemy " + dialect.name,
                         "not a PostgreSQL database")
        params = dict(cparams)
        if cargs and isinstance(cargs[0], str):
            params = dict(_parse_dsn(cargs[0]), **params)
        GUARD.check(params, "sqlalchemy engine")

    try:
        import psycopg2
        import psycopg2._psycopg as _psycopg
    except ImportError:
        return
    real = _psycopg._connect

    def _connect(dsn, *args, **kw):
        GUARD.check(_parse_dsn(dsn), "psycopg2.connect")
        if not args:  # commits of every connection are recorded, however revision code makes them
            kw["connection_factory"] = watched_factory(kw.get("connection_factory"))
        return real(dsn, *args, **kw)

    psycopg2._connect = _connect  # what psycopg2.connect() calls
    _psycopg._connect = _connect


def _parse_dsn(dsn):
    try:
        from psycopg2.extensions import parse_dsn
    except ImportError:
        raise ConnectionRefusedByGate("cannot read the connection string")
    try:
        return parse_dsn(dsn or "")
    except Exception:
        raise ConnectionRefusedByGate("cannot read the connection string")
def install_engine_cache():
    """create_engine() returns a kept engine while apply's session is on (see Session)."""
    import sqlalchemy
    import sqlalchemy.engine
    import sqlalchemy.engine.create as create_module
    from sqlalchemy.pool import QueuePool

    real = create_module.create_engine

    @functools.wraps(real)
    def create_engine(url, *args, **kw):
        if not SESSION.settings:
            return real(url, *args, **kw)
        key = repr((str(url), args, sorted(kw.items(), key=lambda item: item[0])))
        engine = SESSION.engines.get(key)
        if engine is None:
            kw = dict(kw, poolclass=QueuePool, pool_size=1, max_overflow=10)
            engine = SESSION.engines[key] = real(url, *args, **kw)
        return engine

    for module in (create_module, sqlalchemy.engine, sqlalchemy):
        module.create_engine = create_engine



def install_version_table_cache():
    """In apply's session, a version table seen once is not looked up again.

    Alembic asks the catalog whether alembic_version exists at every run, which
    the gate's one-revision-at-a-time apply made a round trip and 1.3 ms per
    revision. Revisions do not drop it; the UPDATE of its row still checks it.
    """
    from alembic.runtime.migration import MigrationContext

    real = MigrationContext._has_version_table

    @functools.wraps(real)
    def _has_version_table(self):
        if not SESSION.settings:
            return real(self)
        key = (str(self.connection.engine.url), self.version_table_schema, self.version_table)
        if key in SESSION.version_tables:
            return True
        found = real(self)
        if found:
            SESSION.version_tables.add(key)
        return found

    MigrationContext._has_version_table = _has_version_table


def install_env_py_caches():
    """env.py runs again at every step: its code and its logging set-up are kept.

    Without bytecode files (PYTHONDONTWRITEBYTECODE, not to write into the
    project) env.py was compiled at every step, and its fileConfig() read the
    ini file and rebuilt the handlers: together 1.7 ms per step, a third of
    what a revision costs in apply. The same source gives the same code; the
    same unchanged file and arguments give the configuration already in place
    (and loggers revision files made since stay enabled, as in one alembic run).
    """
    import logging.config
    from importlib.machinery import SourceFileLoader

    real_compile = SourceFileLoader.source_to_code
    codes = {}

    @functools.wraps(real_compile)
    def source_to_code(self, data, path, *args, **kw):
        if os.path.basename(str(path)) != "env.py":
            return real_compile(self, data, path, *args, **kw)
        key = (str(path), bytes(data))
        if key not in codes:
            codes[key] = real_compile(self, data, path, *args, **kw)
        return codes[key]

    real_config = logging.config.fileConfig
    done = set()

    @functools.wraps(real_config)
    def fileConfig(fname, defaults=None, disable_existing_loggers=True, *args, **kw):
        try:
            st = os.stat(fname)
            key = (os.path.abspath(fname), st.st_mtime_ns, st.st_size, repr(defaults),
                   disable_existing_loggers, repr(args), repr(sorted(kw.items())))
        except (TypeError, OSError):  # a file object, or no such file: as it was
            key = None
        if key is not None and key in done:
            return None
        result = real_config(fname, defaults, disable_existing_loggers, *args, **kw)
        if key is not None:
            done.add(key)
        return result

    SourceFileLoader.source_to_code = source_to_code
    logging.config.fileConfig = fileConfig


class Commits:
    """Connection.commit() called by revision code. It ends the transaction
    Alembic opened, so Alembic's version stamp, written later in a new
    transaction, is rolled back when env.py closes the connection. The replay
    names the call, and runs the revision again with commits held (no-ops)."""

    def __init__(self):
        self.calls = []
        self.hold = False
        self.script = None  # the ScriptDirectory, to find revision files
        self.paths = None


COMMITS = Commits()


def revision_line(revision):
    """The innermost frame of the stack inside the file of revision: (path, line)."""
    revs = revision_paths() if COMMITS.script is not None else {}
    frame = sys._getframe(1)
    while frame is not None:
        if revs.get(os.path.realpath(frame.f_code.co_filename)) == revision:
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return None, 0


def install_commit_watch():
    """Wraps Connection.commit (SQLAlchemy 2.0, and 1.4's future Connection)."""
    import sqlalchemy.engine
    classes = [sqlalchemy.engine.Connection]
    try:
        import sqlalchemy.future
        classes.append(sqlalchemy.future.Connection)
    except ImportError:
        pass
    for cls in dict.fromkeys(classes):  # SQLAlchemy 2.0: the same class twice
        original = cls.__dict__.get("commit")
        if original is None:
            continue

        def commit(self, _original=original):
            if CAP.revision is not None:
                path, line = revision_line(CAP.revision)
                COMMITS.calls.append({"revision": CAP.revision, "file": path, "line": line})
                if COMMITS.hold:
                    return None
            CAP.commit_via = "Connection.commit()"
            try:
                return _original(self)
            finally:
                CAP.commit_via = None

        cls.commit = functools.wraps(original)(commit)


def step_facts(resp, exc):
    """What the replay needs beyond the error: the commits, and which revision raised."""
    resp["commits"] = COMMITS.calls
    COMMITS.calls = []
    COMMITS.hold = False
    err = resp.get("error")
    if exc is None or not isinstance(err, dict) or COMMITS.script is None:
        return
    frames = [os.path.realpath(fr.filename) for fr in traceback.extract_tb(exc.__traceback__)]
    revs = revision_paths()
    inside = [revs[f] for f in frames if f in revs]
    err["revision"] = inside[-1] if inside else None
    # raised by the revision's own code (raise X(...)), not by a library it called
    err["raised_by_revision"] = bool(frames and frames[-1] in revs)


def revision_paths():
    """{real path of a revision file: its revision id}, read once."""
    if COMMITS.paths is None:
        try:
            COMMITS.paths = {os.path.realpath(sc.path): sc.revision
                             for sc in COMMITS.script.walk_revisions() if sc.path}
        except Exception:  # a broken revision file: the graph request reports it
            return {}
    return COMMITS.paths


def empty_function(fn):
    """A function whose body is only pass, ... or a docstring: it compiles to `return None`."""
    import dis
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    for ins in dis.get_instructions(code):
        if ins.opname in ("RESUME", "NOP", "CACHE", "RETURN_VALUE"):
            continue
        if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval is None:
            continue
        return False
    return True

def set_url(config, url):
    """Makes url reach env.py every way projects look for it."""
    from sqlalchemy.engine.url import make_url

    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    os.environ["DATABASE_URI"] = url
    os.environ["DATABASE_URL"] = url
    u = make_url(url)
    query = dict(u.query)
    host = query.get("host") or u.host
    port = query.get("port") or u.port
    for var, val in (("PGHOST", host), ("PGPORT", port), ("PGUSER", u.username),
                     ("PGPASSWORD", u.password), ("PGDATABASE", u.database)):
        if isinstance(val, (tuple, list)):
            val = val[0] if val else None
        if val:
            os.environ[var] = str(val)
        else:
            os.environ.pop(var, None)
    for var in ("PGHOSTADDR", "PGSERVICE"):
        os.environ.pop(var, None)
    GUARD.allow_env()


def error_frame(exc, script):
    """The frame to show: in a revision file, else env.py, else the last one."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return exc.filename, exc.lineno or 0
    frames = traceback.extract_tb(exc.__traceback__)
    versions = []
    env_py = None
    if script is not None:
        versions = [os.path.realpath(p) + os.sep for p in script._version_locations]
        env_py = os.path.realpath(os.path.join(script.dir, "env.py"))
    for pick in (lambda f: any(f.startswith(v) for v in versions),
                 lambda f: f == env_py):
        for fr in reversed(frames):
            if pick(os.path.realpath(fr.filename)):
                return fr.filename, fr.lineno or 0
    if frames:
        return frames[-1].filename, frames[-1].lineno or 0
    return None, 0


def error_message(exc):
    if isinstance(exc, SyntaxError):  # file and line are reported apart
        return exc.msg or "invalid syntax"
    orig = getattr(exc, "orig", None)  # a DBAPIError: the server's own words
    text = str(orig) if orig is not None else str(exc)
    return text.strip() or type(exc).__name__


def describe(exc, script):
    path, line = error_frame(exc, script)
    sqlstate = getattr(getattr(exc, "orig", None), "pgcode", None) or getattr(exc, "pgcode", None)
    return {"type": type(exc).__name__, "message": error_message(exc),
            "file": path, "line": line, "sqlstate": sqlstate}


class NoVersionsFolder(Exception):
    pass


class Chain:
    """apply's upgrades, one revision per request, in one run of env.py.

    Each request is answered once its revision has committed; the next one is
    read while env.py's connection waits between two transactions, so env.py,
    its connection and Alembic's context are set up once for the run instead of
    once per revision (a millisecond each time). The run goes on while the
    requests are chained upgrades that build directly on the current heads;
    anything else ends it, and is handled as usual once env.py has returned.
    Each revision gets its own transaction (transaction_per_migration): the
    same as one env.py run per revision. When env.py keeps a transaction of its
    own open, nothing is committed between revisions: the chain then stops
    before answering, and the request is answered after env.py returns, as
    without a chain.
    """

    def __init__(self, driver, req):
        self.driver = driver
        self.req = req

    def run(self):
        SESSION.per_migration = True
        try:
            self.driver.run_env(self.steps, destination_rev=self.req["rev"])
        finally:
            SESSION.per_migration = False
        return None if self.driver.answered else {}

    def steps(self, heads, ctx):
        heads = set(heads)
        while True:
            steps = self.driver.upgrade_steps(self.req["rev"], tuple(heads))
            yield from steps
            if len(steps) != 1 or not self.committed(ctx):
                return
            heads = heads - set(steps[0].revision._all_down_revisions) | {self.req["rev"]}
            send(self.driver.response({"ok": True}, None))
            self.driver.answered = True
            if not self.next_request(ctx, heads):
                return

    @staticmethod
    def dbapi(ctx):
        """The DBAPI connection under the context's SQLAlchemy connection."""
        fairy = ctx.connection.connection
        return getattr(fairy, "dbapi_connection", None) or fairy.connection

    def committed(self, ctx):
        """The revision's transaction is over: Alembic committed it, no other is open."""
        try:
            import psycopg2.extensions as ext
            return (ctx._transaction_per_migration and not ctx._in_external_transaction and
                    self.dbapi(ctx).info.transaction_status == ext.TRANSACTION_STATUS_IDLE)
        except Exception:  # another DBAPI, another Alembic: no chain
            return False

    def next_request(self, ctx, heads):
        line = PROTO_IN.readline()
        try:
            req = json.loads(line) if line else None
        except ValueError:
            req = None
        if not (isinstance(req, dict) and req.get("op") == "upgrade" and req.get("chain")
                and self.driver.direct_upgrade(req.get("rev"), heads) is not None):
            self.driver.pending = line
            return False
        self.req = req
        self.driver.begin_request(req)
        CAP.context = ctx
        SESSION.apply_settings(self.dbapi(ctx))
        return True


class Driver:
    def __init__(self, args):
        from alembic.config import Config

        opts = argparse.Namespace(x=args.x or [], raiseerr=True, config=args.config,
                                  name=args.name)
        self.config = Config(file_=args.config, ini_section=args.name, cmd_opts=opts)
        self._script = None
        self.pending = None  # a request line a chain read but did not take
        self.answered = False  # the current request was answered by a chain
        self.t0 = 0.0

    @property
    def script(self):
        if self._script is None:
            from alembic.script import ScriptDirectory
            self._script = ScriptDirectory.from_config(self.config)
            COMMITS.script = self._script
        return self._script

    def run_env(self, fn, **kw):
        from alembic.runtime.environment import EnvironmentContext

        with EnvironmentContext(self.config, self.script, fn=fn, **kw):
            self.script.run_env()

    def op_session(self, req):
        for var, value in (("PGAPPNAME", req.get("application_name")),
                           ("PGOPTIONS", " ".join(filter(None, (BASE_PGOPTIONS,
                                                                req.get("pgoptions")))))):
            if value:
                os.environ[var] = value
            else:
                os.environ.pop(var, None)
        if not req.get("application_name"):
            SESSION.close()
            return {}
        SESSION.settings = [("application_name", req["application_name"])] + re.findall(
            r"-c\s*(\w+)=(\S+)", req.get("pgoptions") or "")
        return {}

    def op_url(self, req):
        set_url(self.config, req["url"])
        return {}

    def op_graph(self, req):
        # Alembic skips a missing versions folder and finds no revision: that would pass.
        missing = [p for p in self.script._version_locations if not os.path.isdir(p)]
        if missing and len(missing) == len(self.script._version_locations):
            raise NoVersionsFolder("no versions folder: %s does not exist" % ", ".join(missing))
        from alembic.script import revision

        scripts = list(self.script._load_revisions())
        # The map the steps use would import every revision file again: it gets these.
        self.script.revision_map = revision.RevisionMap(lambda: iter(scripts))
        labels = {}
        for sc in scripts:
            for label in sc._orig_branch_labels or ():
                labels[label] = sc.revision
        ids = [sc.revision for sc in scripts]
        return {"revisions": [self.describe_rev(sc, labels, ids) for sc in scripts]}

    @staticmethod
    def describe_rev(sc, labels, ids):
        def resolve(dep):
            if dep in labels:
                return labels[dep]
            matches = [i for i in ids if i.startswith(dep)]
            return matches[0] if len(matches) == 1 else dep

        down = list(sc._versioned_down_revisions)
        deps = [resolve(d) for d in _as_tuple(sc.dependencies)]
        return {"revision": sc.revision, "down_revisions": down, "depends_on": deps,
                "branch_labels": sorted(sc._orig_branch_labels or ()),
                "path": sc.path, "is_merge": len(down) > 1,
                "doc": (sc.doc or "").strip().splitlines()[0] if sc.doc else None,
                # the project's word that the revision cannot go down (docs/rules/replay.md)
                "one_way": getattr(sc.module, "migrate_gate_one_way", False) is True}

    def op_heads(self, req):
        return {"heads": sorted(self.script.get_heads())}

    def upgrade_steps(self, rev, heads):
        """The steps from heads to rev: the one step when rev builds directly on heads.

        Alembic's own walk of the revision map costs more with every revision of the
        history, and the gate asks for one revision at a time.
        """
        from alembic.runtime.migration import RevisionStep

        sc = self.direct_upgrade(rev, heads)
        if sc is not None:
            return [RevisionStep(self.script.revision_map, sc, True)]
        return self.script._upgrade_revs(rev, heads)

    def direct_upgrade(self, rev, heads):
        """rev's script when its down revisions are all heads (and it is not one), else None."""
        try:
            sc = self.script.get_revision(rev)
        except Exception:
            return None
        downs = set(sc._all_down_revisions) if sc is not None else set()
        if sc is not None and sc.revision == rev and rev not in heads and downs and downs <= set(heads):
            return sc
        return None

    def op_upgrade(self, req):
        rev = req["rev"]
        if req.get("chain"):
            return Chain(self, req).run()
        self.run_env(lambda heads, ctx: self.upgrade_steps(rev, heads), destination_rev=rev)
        return {}

    def op_downgrade(self, req):
        rev, target = req["rev"], req.get("target")
        if target:
            self.run_env(lambda heads, ctx: self.script._downgrade_revs(target, heads),
                         destination_rev=target)
            return {}
        from alembic.runtime.migration import RevisionStep

        from alembic.util import CommandError

        sc = self.script.get_revision(rev)
        step = RevisionStep(self.script.revision_map, sc, False)
        parent = sc._versioned_down_revisions[0] if sc._versioned_down_revisions else "base"

        def one_step(heads, ctx):
            # Undoing a revision that applied ones build on would break them.
            if sc.revision not in heads:
                raise CommandError("revision %s is not a head of the database (its rows: %s); "
                                   "downgrade the revisions after it first"
                                   % (sc.revision, ", ".join(heads) or "none"))
            return [step]

        self.run_env(one_step, destination_rev=parent)
        return {"downgrade_empty": empty_function(getattr(sc.module, "downgrade", None))}

    def op_current(self, req):
        rows = []

        def read(heads, ctx):
            rows.extend(ctx.get_current_heads())
            return []

        self.run_env(read, dont_mutate=True)
        return {"rows": sorted(rows)}

    def op_model_drift(self, req):
        """Autogenerate's comparison of env.py's target_metadata with the database.

        Runs through env.py like `alembic check` would, so include_object,
        include_name and compare_type settings apply; nothing is written.
        """
        from alembic.autogenerate import produce_migrations, render_python_code
        from alembic.operations import ops

        out = {"has_metadata": False, "diffs": []}

        def compare(heads, ctx):
            metadata = ctx.opts.get("target_metadata")
            if metadata is None:
                return []
            out["has_metadata"] = True
            script = produce_migrations(ctx, metadata)
            for op in script.upgrade_ops.ops:
                code = render_python_code(ops.UpgradeOps(ops=[op]))
                calls = []  # one line per op.* call, however autogenerate wrapped it
                for ln in code.splitlines():
                    ln = ln.strip()
                    if not ln or ln.startswith("#"):
                        continue
                    if ln.startswith("op.") or not calls:
                        calls.append(ln)
                    else:
                        calls[-1] += ("" if calls[-1].endswith("(") else " ") + ln
                out["diffs"].append({"summary": _describe_op(op), "code": "\n".join(calls)})
            return []

        self.run_env(compare, dont_mutate=True)
        return out

    def op_offline_sql(self, req):
        start, _, dest = req["range"].rpartition(":")
        out = io.StringIO()
        saved, self.config.output_buffer = self.config.output_buffer, out
        try:
            self.run_env(lambda heads, ctx: self.script._upgrade_revs(dest, heads),
                         as_sql=True, starting_rev=start or None, destination_rev=dest)
        finally:
            self.config.output_buffer = saved
        return {"sql": out.getvalue()}

    def handle(self, req):
        op = str(req.get("op", "")).replace("-", "_")
        method = getattr(self, "op_" + op, None)
        if method is None:
            return {"ok": False, "error": {"type": "ProtocolError", "file": None, "line": 0,
                                           "message": "unknown request %r" % req.get("op")}}
        failure = None
        try:
            self.begin_request(req)
            resp = method(req)
            if resp is None:  # a chain answered every request it took
                return None
            resp["ok"] = True
        except BaseException as exc:  # env.py may even call sys.exit()
            if isinstance(exc, KeyboardInterrupt):
                raise
            traceback.print_exc(file=sys.stderr)
            if self.answered:  # a chain's env.py failed after its last answer
                return None
            resp = {"ok": False, "error": describe(exc, self._script)}
            failure = exc
        return self.response(resp, failure)

    def begin_request(self, req):
        CAP.begin()
        GUARD.refused = []
        COMMITS.hold = bool(req.get("hold_commits"))
        self.t0 = time.perf_counter()
        self.answered = False
        if "session" in req:  # apply's settings for this step, sent with it
            self.op_session(req["session"])

    def response(self, resp, failure):
        step_facts(resp, failure)
        resp["duration_ms"] = (time.perf_counter() - self.t0) * 1000.0
        resp["statements"] = CAP.stmts
        resp["statements_dropped"] = CAP.dropped
        resp["statements_overflow"] = CAP.overflow
        resp["committed"] = CAP.commits
        resp["refused"] = GUARD.refused
        ctx = CAP.context
        resp["transaction_per_migration"] = bool(
            getattr(ctx, "_transaction_per_migration", False))
        CAP.stmts = None
        return resp


def _describe_op(op):
    """A stable one-line summary of an autogenerate operation: kind and object names only."""
    name = type(op).__name__
    table = getattr(op, "table_name", None)
    inner = getattr(op, "ops", None)
    if inner is not None:  # ModifyTableOps: what changes on one table
        parts = sorted(_describe_op(o) for o in inner)
        return "table %s: %s" % (table, "; ".join(parts))
    kind = re.sub(r"Op$", "", name)
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", kind).lower()
    obj = (getattr(op, "column_name", None) or getattr(op, "index_name", None)
           or getattr(op, "constraint_name", None)
           or getattr(getattr(op, "column", None), "name", None))
    if obj is None and kind in ("create table", "drop table"):
        obj = table
        table = None
    where = " on %s" % table if table and obj and obj != table else ""
    return "%s %s%s" % (kind, obj or table or "", where)


def _as_tuple(value):
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="migrate-gate-driver")
    p.add_argument("--config", default="alembic.ini")
    p.add_argument("--name", default="alembic")
    p.add_argument("-x", action="append")
    return p.parse_args(argv)


def greet(args):
    """The first response: versions, or why this interpreter cannot serve."""
    try:
        import alembic
        import sqlalchemy
    except ImportError as exc:
        send({"ok": False, "error": {"type": type(exc).__name__, "message": str(exc),
                                     "file": None, "line": 0}})
        return False
    if not os.path.isfile(args.config):
        send({"ok": False, "error": {"type": "ConfigNotFound", "file": args.config, "line": 0,
                                     "message": "no such file: %s" % args.config}})
        return False
    send({"ok": True, "hello": {"python": sys.executable,
                                "python_version": sys.version.split()[0],
                                "alembic": alembic.__version__,
                                "sqlalchemy": sqlalchemy.__version__}})
    return True


def main(argv):
    args = parse_args(argv)
    if not greet(args):
        return 3
    install_guard()
    install_hooks()
    install_engine_cache()
    install_version_table_cache()
    install_env_py_caches()
    install_commit_watch()
    driver = Driver(args)
    url = os.environ.pop("MIGRATE_GATE_DB_URL", None)
    if url:
        set_url(driver.config, url)
    while True:
        line, driver.pending = driver.pending, None
        if line is None:
            line = PROTO_IN.readline()
        if not line:
            return 0
        try:
            req = json.loads(line)
        except ValueError as exc:
            send({"ok": False, "error": {"type": "ProtocolError", "message": str(exc),
                                         "file": None, "line": 0}})
            continue
        resp = driver.handle(req)
        if resp is not None:
            send(resp)


if __name__ == "__main__":
    status = main(sys.argv[1:])
    # The gate waits for this exit; tearing down the interpreter with SQLAlchemy loaded took
    # 60-80 ms for nothing. Connections still open close with the process, as on SIGKILL.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
