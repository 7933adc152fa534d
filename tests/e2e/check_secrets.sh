#!/usr/bin/env bash
# Issue 6, items 1-4: no password or token in any report format, on stderr, in the gate's argv or
# in its environment block, whatever the source: a URL in a variable or on argv, PGPASSWORD alone,
# a passfile, [migrate_gate] of alembic.ini, CI tokens. A revision raises an exception holding all
# of them (and dumps /proc/<gate>/cmdline and environ, as any revision could), against a real
# server with password authentication.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
check_pg_start

scratch_pw='Sc@r:t/ch Pw%1'            # role gate, in the scratch URL (%-encoded there)
scratch_pw_url='Sc%40r%3At%2Fch%20Pw%251'
prod_pw='Pg0nly-Pw!7'                   # role reader, given only as PGPASSWORD
ini_pw='Ini:Pw-3x'                      # production_url in [migrate_gate], overridden
passfile_pw='PassF1le-Pw'               # a passfile entry that applies to the scratch server
token='ghs_Secr3tT0ken42'               # GITHUB_TOKEN
aws_key='aws/Secr3t+Key=42'             # AWS_SECRET_ACCESS_KEY
argv_pw='Argv-Pw:9z'                    # role argv, given on the command line anyway
bad_pw='Wr0ngKv-Pw'                     # a wrong password in a key=value conninfo
secrets=("$scratch_pw" "$prod_pw" "$ini_pw" "$passfile_pw" "$token" "$aws_key" "$argv_pw" "$bad_pw")

pg_psql -c "CREATE ROLE gate LOGIN CREATEDB PASSWORD '$scratch_pw'" \
	-c "CREATE ROLE reader LOGIN PASSWORD '$prod_pw'" -c "CREATE ROLE argv LOGIN CREATEDB PASSWORD '$argv_pw'"
hba=$PG_DIR/data/pg_hba.conf
{ echo "local all gate,reader,argv scram-sha-256"; cat "$hba"; } >"$hba.new"
cat "$hba.new" >"$hba"
pg_psql -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
pg_createdb prod
(cd "$FIXTURES/clean_pass" && DATABASE_URI=$(pg_url prod) /usr/bin/python3 -m alembic -c alembic.ini upgrade r0002 \
	>/dev/null 2>&1)
pg_psql -d prod -c "GRANT SELECT ON alembic_version TO reader"

# The project: clean_pass plus r0003, which raises with every secret it can get hold of. Inputs stay
# in a subfolder, and are not kept as outputs.
in=$CHECK_WORK/in
mkdir -p "$in"
proj=$in/proj
cp -r "$FIXTURES/clean_pass" "$proj"
cat >>"$proj/alembic.ini" <<EOF

[migrate_gate]
production_url = postgresql://reader:${ini_pw//:/%3A}@/prod?host=$PG_DIR&port=$PGPORT
EOF
printf 'elsewhere:5432:db:other:NotApplying-9\nlocalhost:*:*:gate:%s\n' "$passfile_pw" >"$in/pgpass"
cat >"$proj/versions/r0003.py" <<EOF
"""leaks every secret it can find into its exception

Revision ID: r0003
Revises: r0002
"""
import os

revision = 'r0003'
down_revision = 'r0002'
branch_labels = None
depends_on = None
HERE = os.path.dirname(os.path.abspath(__file__))


def dump(what):
    try:
        with open("/proc/%d/%s" % (os.getppid(), what), "rb") as f:
            data = f.read()
    except OSError as e:
        data = str(e).encode()
    with open(os.path.join(HERE, "..", "..", "gate." + what), "ab") as f:
        f.write(data + b"\n")
    return data.replace(b"\0", b" ").decode("utf-8", "replace")


def upgrade():
    seen = [os.environ.get("DATABASE_URI", ""), "PGPASSWORD=%s" % os.environ.get("PGPASSWORD", ""),
            "the author typed $prod_pw and $token and $aws_key",
            open(os.path.join(HERE, "..", "..", "pgpass")).read(),
            open(os.path.join(HERE, "..", "alembic.ini")).read(),
            dump("cmdline"), dump("environ")]
    raise RuntimeError(" | ".join(seen).replace("\n", " "))


def downgrade():
    pass
EOF
chmod -R a+rX "$in"
chmod 600 "$in/pgpass"

scratch_url="postgresql://gate:$scratch_pw_url@/postgres?host=$PG_DIR&port=$PGPORT"
prod_url="postgresql://reader@/prod?host=$PG_DIR&port=$PGPORT"
# gate NAME [ARGS...]: check in the project with the secrets in its environment (GATE_ENV adds more);
# stdout in NAME.json, stderr in NAME.err, like mg_check.
gate() {
	local name=$1
	shift
	CHECK_RC=0
	keep "$CHECK_WORK/$name.json" "$CHECK_WORK/$name.err"
	(cd "$proj" && exec env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u DATABASE_URL \
		DATABASE_URI="$prod_url" PGPASSWORD="$prod_pw" SCRATCH_URL="$scratch_url" PGPASSFILE="$in/pgpass" \
		GITHUB_TOKEN="$token" AWS_SECRET_ACCESS_KEY="$aws_key" ${GATE_ENV[@]+"${GATE_ENV[@]}"} \
		TMPDIR="$CHECK_TMP" timeout -s KILL 180 "$MIGRATE_GATE_BIN" check --scratch-url-env SCRATCH_URL "$@") \
		>"$CHECK_WORK/$name.json" 2>"$CHECK_WORK/$name.err" || CHECK_RC=$?
}

# spellings SECRET: the secret raw, %-encoded (both hex cases, '+' for a blank) and as SQLAlchemy 1.4 writes it.
spellings() {
	python3 - "$1" <<'PY'
import re, sys
from urllib.parse import quote, quote_plus
s = sys.argv[1]
forms = {s, quote(s, safe=""), quote_plus(s, safe=""), re.sub(r"[:@/]", lambda m: "%%%X" % ord(m.group(0)), s)}
forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in forms}
print("\n".join(sorted(forms)))
PY
}
all_spellings=$CHECK_WORK/in/spellings
for s in "${secrets[@]}"; do spellings "$s"; done >"$all_spellings"

# no_secret FILE...: no spelling of any secret in the files.
no_secret() {
	local hits
	hits=$(grep -lF -f "$all_spellings" "$@" || true)
	[ -z "$hits" ] || fail "a secret shows in: $hits ($(grep -ohF -f "$all_spellings" "$@" | sort -u | tr '\n' ' '))"
}

# Item 1: every format; the finding is there, with the secrets masked.
for fmt in text json sarif gitlab junit github; do
	GATE_ENV=(GITHUB_ACTIONS=true)
	gate "leak_$fmt" --format "$fmt" --color never -v
	expect_rc "leak_$fmt" 1
	grep -q 'replay-step-failed\|replay_step_failed' "$CHECK_WORK/leak_$fmt.json" ||
		fail "leak_$fmt: no replay-step-failed finding in the report"
	grep -qF 'PGPASSWORD=****' "$CHECK_WORK/leak_$fmt.json" || fail "leak_$fmt: nothing was masked"
	no_secret "$CHECK_WORK/leak_$fmt.json" "$CHECK_WORK/leak_$fmt.err"
done
grep -q '^::error ' "$CHECK_WORK/leak_text.json" || fail "leak_text: no ::error annotation under GITHUB_ACTIONS"
expect_json leak_json 'any(f["rule"] == "replay-step-failed" and "****" in f["message"] for f in r["findings"])'
expect_err leak_json "production is at r0002" # PGPASSWORD alone reached production

# Item 3: what other processes of the user could read of the gate while revision code ran.
keep "$in/gate.cmdline" "$in/gate.environ"
no_secret "$in/gate.cmdline" "$in/gate.environ"
# As root it is readable and scrubbed; as another user PR_SET_DUMPABLE makes it unreadable.
grep -q 'SCRATCH_URL=\*\*\*\*\|Permission denied' "$in/gate.environ" ||
	fail "the environ dump shows neither a scrubbed SCRATCH_URL nor a refusal"

# Item 3: a password on argv anyway is blanked out of the gate's own argv at once, with one warning.
rm -f "$in"/gate.*
gate argv --format json --scratch-url "postgresql://argv:${argv_pw//:/%3A}@/postgres?host=$PG_DIR&port=$PGPORT"
expect_rc argv 1
[ "$(grep -c "shows in 'ps'" "$CHECK_WORK/argv.err")" = 1 ] || fail "argv: not exactly one warning about the password"
grep -q 'blanked out' "$CHECK_WORK/argv.err" || fail "argv: the warning does not say the password was removed"
tr '\0' ' ' <"$in/gate.cmdline" | grep -qF -- '--scratch-url postgresql://argv:' || fail "argv: no cmdline dump of the gate"
no_secret "$in/gate.cmdline" "$in/gate.environ" "$CHECK_WORK/argv.json" "$CHECK_WORK/argv.err"

# Item 3: --production-url-env NAME; a named variable that is not set is a usage error.
GATE_ENV=(PROD_URL="$prod_url" DATABASE_URI="postgresql://reader@/no_such_db?host=$PG_DIR&port=$PGPORT")
gate named --format json --production-url-env PROD_URL -v
expect_rc named 1
expect_err named "production is at r0002"
GATE_ENV=()
gate named_unset --production-url-env NO_SUCH_VAR
expect_bad_input named_unset 2 "environment variable 'NO_SUCH_VAR' named by --production-url-env is not set"

# Item 4: a key=value conninfo with a wrong password: masked, and the message around it kept.
GATE_ENV=(PROD_KV="host=$PG_DIR port=$PGPORT dbname=prod user=reader password=$bad_pw")
gate kv --production-url-env PROD_KV
expect_bad_input kv 3 "password authentication failed"
grep -qF "password=****': " "$CHECK_WORK/kv.err" || fail "kv: the quote and colon after the masked password are gone"

no_secret "$CHECK_WORK"/*.json "$CHECK_WORK"/*.err
expect_clean secrets
check_done "secrets: every format, stderr, argv, environ; URL, PGPASSWORD, passfile, config, tokens"
