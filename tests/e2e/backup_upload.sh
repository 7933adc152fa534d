#!/usr/bin/env bash
# migrate-gate backup uploads: to the suite's own HTTP server (tests/lib/http_server.py) with a
# presigned-style URL, answering 500 three times (the backup fails: no complete-looking archive,
# nothing pruned, the archive kept as .failed) and 500 then 200 (it succeeds after one retry, and
# the bytes stored are the archive's); to a real S3-compatible server (s3rver from npm) with
# SigV4, the stored size checked by HEAD; and to S3 with a wrong key or secret (a clear error naming
# the bucket, and the secret nowhere). s3rver checks only the key id, so the suite's own server
# (--sigv4) checks the signature and the payload hash as S3 does.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/backup.sh"
bk_start
SIG='X-Amz-Signature=bkPresignedSig0a1b2c'
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# server NAME ARGS...: tests/lib/http_server.py on 127.0.0.1; sets PORT and SLOG (its request log).
server() {
	local name=$1 i
	shift
	mkdir -p "$BK_WORK/$name"
	"$PY" "$MIGRATE_GATE_SRC/tests/lib/http_server.py" --port-file "$BK_WORK/$name/port" --log "$OUT/$name-requests.jsonl" \
		--store "$BK_WORK/$name" --idle 120 "$@" &
	BK_PIDS+=($!)
	for i in $(seq 600); do [ -s "$BK_WORK/$name/port" ] && break; sleep 0.1; done
	PORT=$(cat "$BK_WORK/$name/port")
	SLOG=$OUT/$name-requests.jsonl
}
requests() { # requests METHOD: how many the server got
	grep -c "\"method\": \"$1\"" "$SLOG" || true
}
DIR=$BK_WORK/backups
OLD=prod-20200101T000000Z-r0001.tar.zst
mkdir -p "$DIR"
touch "$DIR/$OLD"

# 500, 500, 500: three tries (--upload-retries 2), then a failure that prunes nothing.
server s500 --script 500,500,500
mg put-500 backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --keep 1 --pg-bindir "$BK_BIN" \
	--upload-url "http://127.0.0.1:$PORT/bucket/db.tar.zst?$SIG" --upload-retries 2 --format json -o "$OUT/put-500.json"
expect_one_error put-500 3 "upload of 'prod-"
# -o still gets its report, which says the upload failed (issue 15, item 18).
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if not r["passed"] and "failed after 3 tries" in r["upload_error"] and r["archive"].endswith(".failed") else 1)' \
	"$OUT/put-500.json" || fail "put-500: -o has no report that says the upload failed"
expect_err put-500 "to 'http://127.0.0.1:$PORT/bucket/db.tar.zst' failed after 3 tries: HTTP 500"
[ "$(requests PUT)" = 3 ] || fail "put-500: $(requests PUT) PUT requests, expected 3"
[ -z "$(archives "$DIR" | grep -v "^$OLD$")" ] || fail "put-500: a complete-looking archive: $(archives "$DIR")"
[ -e "$DIR/$OLD" ] || fail "put-500: the old archive was pruned"
ls "$DIR" | grep -q '\.tar\.zst\.failed$' || fail "put-500: the archive was not kept as .failed"
grep -q '"state":[[:space:]]*"failed"' "$DIR"/*.failed.json || fail "put-500: no failed state beside it"

# 500 then 200: one retry, success; the server stored exactly the archive's bytes.
server s200 --script 500
mg put-200 backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --keep 1 --pg-bindir "$BK_BIN" \
	--upload-url "http://127.0.0.1:$PORT/bucket/db.tar.zst?$SIG" --format json
expect_rc put-200 0
[ "$(requests PUT)" = 2 ] || fail "put-200: $(requests PUT) PUT requests, expected 2"
[ "$(requests HEAD)" = 1 ] || fail "put-200: the stored size was not checked with HEAD"
archive=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["archive"])' "$OUT/put-200.out")
sha=$(sha256sum "$archive" | cut -d' ' -f1)
grep -q "\"status\": 200, .*\"sha256\": \"$sha\"" "$SLOG" || fail "put-200: the server did not get the archive's bytes"
expect_json put-200 "r['uploaded_to'] == 'http://127.0.0.1:$PORT/bucket/db.tar.zst'"
[ ! -e "$DIR/$OLD" ] || fail "put-200: --keep 1 did not prune after a successful backup"
[ -e "$archive" ] || fail "put-200: the new archive is missing"

# S3 through our server with --sigv4: the signature and the payload hash are checked as S3 does.
server sig --sigv4 "AKIDBACKUPTEST:$BK_AWS_SECRET"
BK_ENV="AWS_ACCESS_KEY_ID=AKIDBACKUPTEST AWS_SECRET_ACCESS_KEY=$BK_AWS_SECRET" \
	mg s3-sig backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --pg-bindir "$BK_BIN" \
	--s3 s3://bucket/nightly/ --s3-endpoint "http://127.0.0.1:$PORT" --s3-region eu-west-1
expect_rc s3-sig 0
grep -q '"method": "PUT", "path": "/bucket/nightly/prod-.*"status": 200' "$SLOG" || fail "s3-sig: no signed PUT stored"
grep -q '"x-amz-content-sha256": "[0-9a-f]\{64\}"' "$SLOG" || fail "s3-sig: the payload hash was not sent"
# The wrong secret key: SignatureDoesNotMatch (s3rver checks only the key id, this server the signature).
BK_ENV="AWS_ACCESS_KEY_ID=AKIDBACKUPTEST AWS_SECRET_ACCESS_KEY=$BK_AWS_SECRET-wrong" \
	mg s3-badsecret backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --pg-bindir "$BK_BIN" \
	--s3 s3://bucket/nightly --s3-endpoint "http://127.0.0.1:$PORT" --upload-retries 0
expect_one_error s3-badsecret 3 "to 's3://bucket/nightly/prod-"
expect_err s3-badsecret "HTTP 403: SignatureDoesNotMatch"
expect_err s3-badsecret "hint: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"

# A real S3-compatible server: s3rver (account S3RVER / S3RVER).
if [ -d "$MIGRATE_GATE_SRC/tests/node_modules/s3rver" ]; then
	mkdir -p "$BK_WORK/s3"
	node "$MIGRATE_GATE_SRC/tests/lib/s3_server.js" "$BK_WORK/s3/port" "$BK_WORK/s3" backups 120 &
	BK_PIDS+=($!)
	for i in $(seq 900); do [ -s "$BK_WORK/s3/port" ] && break; sleep 0.1; done
	S3=http://127.0.0.1:$(cat "$BK_WORK/s3/port")
	BK_ENV="AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER" \
		mg s3rver backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --pg-bindir "$BK_BIN" \
		--s3 s3://backups/db/prod --s3-endpoint "$S3" --format json
	expect_rc s3rver 0
	expect_json s3rver 'r["uploaded_to"].startswith("s3://backups/db/prod/prod-") and r["notes"] == []'
	stored=$(find "$BK_WORK/s3/backups" -type f -name '*.tar.zst._S3rver_object' | head -n 1)
	archive=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["archive"])' "$OUT/s3rver.out")
	cmp -s "$stored" "$archive" || fail "s3rver: the stored object is not the archive ($stored)"

	# An unknown key: InvalidAccessKeyId, named with the bucket; the secret shows nowhere.
	BK_ENV="AWS_ACCESS_KEY_ID=AKIDUNKNOWN AWS_SECRET_ACCESS_KEY=$BK_AWS_SECRET" \
		mg s3-badkey backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --pg-bindir "$BK_BIN" \
		--s3 s3://backups/db --s3-endpoint "$S3" --upload-retries 0
	expect_one_error s3-badkey 3 "to 's3://backups/db/prod-"
	expect_err s3-badkey "HTTP 403: InvalidAccessKeyId"
	expect_err s3-badkey "hint: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"
else
	fail "s3rver is not installed: run scripts/bootstrap"
fi

# Options that cannot work are usage errors before anything runs.
mg both backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --upload-url http://127.0.0.1:9/x --s3 s3://b
expect_one_error both 2 "--upload-url and --s3 cannot be used together"
mg nocreds backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --s3 s3://b/p
expect_one_error nocreds 2 "--s3 needs AWS credentials"

hits=$(grep -rlF "bkPresignedSig0a1b2c" "$OUT" || true)
[ -z "$hits" ] || fail "the presigned URL's signature shows in: $hits"
bk_done "uploads: 500x3 fails and prunes nothing, 500 then 200 succeeds, SigV4 with payload hash, s3rver, bad S3 key"
