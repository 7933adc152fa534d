#!/usr/bin/env bash
# Fault test 2, a blocking transaction: a session holds ACCESS SHARE on users (an open
# transaction that read it) while r0002 needs ACCESS EXCLUSIVE to alter it. apply times out
# after lock_timeout (1 s), reports the blocker's pid, state and query, and retries; the test
# ends the blocker after the first retry and apply then succeeds. Readers started while the
# ALTER waits queue behind it: each one's wait is measured and must stay under lock_timeout
# plus a margin (the machine may be loaded: 2.5 s).
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
good=$FIXTURES/good
LOCK_TIMEOUT_MS=1000
MARGIN_MS=2500

prod_at prod "$good" r0001
pg_psql -d prod -c "INSERT INTO users (name) SELECT 'u' || g FROM generate_series(1, 500) g"
hold blocker prod "blocker" "SELECT count(*) FROM users"
blocker_pid=$(cat "$WORK/blocker.pid")

mg apply apply -C "$good" --production-url "$(pg_url prod)" --lock-timeout 1s --retries 6 -v &
apply_bg=$!
APPLY_KILL="$APPLY_KILL $apply_bg"

# One reader per lock wait seen (at most 3): its wait for SELECT count(*) FROM users, in ms.
reader() {
	/usr/bin/python3 -c '
import sys, time, psycopg2
c = psycopg2.connect(sys.argv[1], application_name="reader")
cur = c.cursor()
t = time.monotonic()
cur.execute("SELECT count(*) FROM users")
print(int((time.monotonic() - t) * 1000))' "$(pg_url prod)" >"$WORK/reader$1.ms" 2>"$OUT/reader$1.err"
}
waiting() {
	pg_psql -At -d prod -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migrate-gate r0002'
		AND wait_event_type = 'Lock'"
}
readers=0 released=0
for i in $(seq 1 1200); do # 120 s at most
	kill -0 "$apply_bg" 2>/dev/null || break
	if [ "$readers" -lt 3 ] && [ "$(waiting)" = 1 ]; then
		readers=$((readers + 1))
		reader "$readers" &
		sleep 0.3 # then look for the next wait
	fi
	if [ "$released" = 0 ] && grep -q "hit lock_timeout (attempt 1 of" "$OUT/apply.err" 2>/dev/null; then
		# the first retry is under way once its wait shows, or soon after the message
		for k in $(seq 1 30); do [ "$(waiting)" = 1 ] && break; sleep 0.1; done
		if [ "$readers" -lt 2 ] && [ "$(waiting)" = 1 ]; then
			readers=$((readers + 1))
			reader "$readers" &
			sleep 0.2
		fi
		release blocker
		released=1
	fi
	sleep 0.1
done
wait "$apply_bg" || true
wait
rc_of apply
expect_rc apply 0
[ "$released" = 1 ] || fail "apply never reported a lock timeout"
[ "$readers" -ge 1 ] || fail "no reader was started during a lock wait"
expect_err apply "hit lock_timeout (attempt 1 of 7): retrying in"
expect_json apply 'r["revisions"][0]["outcome"] == "applied" and r["revisions"][0]["attempts"] >= 2'
expect_json apply "any(b['pid'] == $blocker_pid and b['state'] == 'idle in transaction' and b['query'] == 'SELECT count(*) FROM users' and b['transaction_age_s'] > 0 and b['application_name'] == 'blocker' for b in r['revisions'][0]['blockers'])"
[ "$(versions_of prod)" = r0003 ] || fail "production is at '$(versions_of prod)'"
for k in $(seq 1 "$readers"); do
	ms=$(cat "$WORK/reader$k.ms" 2>/dev/null || echo none)
	echo "reader $k waited $ms ms (limit $((LOCK_TIMEOUT_MS + MARGIN_MS)))"
	echo "reader $k: $ms ms" >>"$OUT/readers.txt"
	case "$ms" in
	'' | *[!0-9]*) fail "reader $k did not finish: $(cat "$OUT/reader$k.err")" ;;
	*) [ "$ms" -le $((LOCK_TIMEOUT_MS + MARGIN_MS)) ] || fail "reader $k was blocked $ms ms" ;;
	esac
done
wait_quiet prod 10

apply_done "a blocking transaction: timeout, blocker reported, retried, readers waited <= lock_timeout + margin"
