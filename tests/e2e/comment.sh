# The sticky pull/merge request comment against the suite's own fake of the GitHub and
# GitLab APIs (tests/lib/fake_forge.py on 127.0.0.1, which checks methods, paths, auth
# headers and JSON bodies as the APIs define them): create then update (never a second
# comment), an unchanged report not edited again, 403, 500 then 200, a rate limit, a huge
# report cut to the limit; and check --comment, whose verdict a failed comment never changes.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
OUT=${MIGRATE_GATE_BUILD:?run through ctest}/test-outputs/comment
rm -rf "$OUT"
mkdir -p "$OUT"
PY=/usr/bin/python3
GH_TOKEN=ghp_commentTestToken9d2e
GL_TOKEN=glpat-commentTestToken4a7b
JOB_TOKEN=jobtok-commentTest3c1f
SERVER_PID=

# serve NAME KIND [fake_forge options]: starts a fake API for one test; its URL in $API.
serve() {
	local name=$1 kind=$2
	shift 2
	rm -f "$CHECK_WORK/$name.port"
	$PY "$MIGRATE_GATE_SRC/tests/lib/fake_forge.py" --kind "$kind" --port-file "$CHECK_WORK/$name.port" \
		--log "$OUT/$name.requests.jsonl" --state "$OUT/$name.state.json" --idle 600 --max-seconds 900 "$@" &
	SERVER_PID=$!
	for _ in $(seq 200); do [ -s "$CHECK_WORK/$name.port" ] && break; sleep 0.05; done
	API=http://127.0.0.1:$(cat "$CHECK_WORK/$name.port")
}
stop() {
	[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2> /dev/null || true
	wait "$SERVER_PID" 2> /dev/null || true
	SERVER_PID=
}
trap 'stop; _check_on_exit $?' EXIT

# gh NAME ARGS...: migrate-gate comment as in a GitHub Actions pull_request run.
gh() {
	local name=$1
	shift
	RC=0
	env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_TOKEN=$GH_TOKEN GITHUB_API_URL="$API" \
		GITHUB_REPOSITORY=acme/shop GITHUB_REF=refs/pull/7/merge GITHUB_SERVER_URL=https://github.example \
		GITHUB_RUN_ID=99 timeout -s KILL 60 "$MIGRATE_GATE_BIN" comment "$@" \
		> "$OUT/$name.stdout" 2> "$OUT/$name.stderr" || RC=$?
}
requests() { # NAME: "METHOD path?query status" per request
	$PY -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l); print(r["method"], r["path"] + ("?" + r["query"] if r["query"] else ""), r["status"])' \
		"$OUT/$1.requests.jsonl" 2> /dev/null || true
}
comments() { # NAME PYTHON-EXPR over c (the comments): prints its value
	$PY -c 'import json, sys; c = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT/$1.state.json" "$2"
}
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; }

printf '### ✅ migrate-gate check passed\n\nfirst report\n' > "$CHECK_WORK/r1.md"
printf '### ❌ migrate-gate check failed\n\nsecond report\n' > "$CHECK_WORK/r2.md"

# 1. GitHub: 150 comments already (two pages); create, re-run unchanged, update, second key.
serve gh github --token "$GH_TOKEN" --project acme/shop --number 7 --seed 150
gh create "$CHECK_WORK/r1.md"
expect_eq "create: exit" "$RC" 0
expect_eq "create: requests" "$(requests gh)" "GET /repos/acme/shop/issues/7/comments?per_page=100&page=1 200
GET /repos/acme/shop/issues/7/comments?per_page=100&page=2 200
POST /repos/acme/shop/issues/7/comments 201"
expect_eq "create: comments" "$(comments gh 'len(c)')" 151
comments gh 'c[-1]["body"]' > "$CHECK_WORK/posted.md"
head -n 1 "$CHECK_WORK/posted.md" | grep -qE '^<!-- migrate-gate:default sha256:[0-9a-f]{64} -->$' || fail "create: no marker line"
tail -n +2 "$CHECK_WORK/posted.md" | cmp -s - <(cat "$CHECK_WORK/r1.md"; echo) || fail "create: the body is not the report"
grep -q "created" "$OUT/create.stderr" || fail "create: not reported as created"
: > "$OUT/gh.requests.jsonl"
gh again "$CHECK_WORK/r1.md"
expect_eq "unchanged: exit" "$RC" 0
expect_eq "unchanged: only reads" "$(requests gh | cut -d' ' -f1 | sort -u)" GET
grep -q "unchanged: not edited again" "$OUT/again.stderr" || fail "unchanged: not reported"
: > "$OUT/gh.requests.jsonl"
id=$(comments gh 'c[-1]["id"]')
gh update "$CHECK_WORK/r2.md"
expect_eq "update: exit" "$RC" 0
expect_eq "update: the last request" "$(requests gh | tail -n 1)" "PATCH /repos/acme/shop/issues/comments/$id 200"
expect_eq "update: no duplicate" "$(comments gh 'len(c)')" 151
case "$(comments gh 'c[-1]["body"]')" in *"second report"*) ;; *) fail "update: not the new report" ;; esac
gh other "$CHECK_WORK/r1.md" --comment-key api/v2
expect_eq "second key: exit" "$RC" 0
expect_eq "second key: its own comment" "$(comments gh 'len(c)'):$(comments gh 'c[-1]["body"].split()[1]')" "152:migrate-gate:api/v2"
# A file that holds the token and a URL password: both masked, as check --comment masks its report.
printf 'token %s\nand postgresql://app:Db-Pw-77x@db/prod here\n' "$GH_TOKEN" > "$CHECK_WORK/leak.md"
gh leak "$CHECK_WORK/leak.md" --comment-key leak
expect_eq "leak: exit" "$RC" 0
body=$(comments gh 'c[-1]["body"]')
case "$body" in *"$GH_TOKEN"* | *Db-Pw-77x*) fail "leak: a secret reached the comment: $body" ;; esac
case "$body" in *"postgresql://app:****@db/prod here"*) ;; *) fail "leak: the URL is not in the comment, masked: $body" ;; esac
stop

# 2. Refused (403: a token without write access): exit 3, the API's words, nothing written.
serve forbidden github --token "$GH_TOKEN" --project acme/shop --number 7 --script 403
gh forbidden "$CHECK_WORK/r1.md"
expect_eq "403: exit" "$RC" 3
grep -q "^error: cannot comment: the list of comments answered HTTP 403" "$OUT/forbidden.stderr" || fail "403: message"
grep -q "^hint: the token needs pull-requests: write" "$OUT/forbidden.stderr" || fail "403: hint"
expect_eq "403: nothing written" "$(comments forbidden 'len(c)')" 0
stop

# 3. 500 then 200, and a rate limit (403 with Retry-After) then 200: both end in a comment.
serve flaky github --token "$GH_TOKEN" --project acme/shop --number 7 --script 500,ok,ratelimit
gh flaky "$CHECK_WORK/r1.md"
expect_eq "flaky: exit" "$RC" 0
expect_eq "flaky: statuses" "$(requests flaky | awk '{print $1, $3}' | tr '\n' ' ')" "GET 500 GET 200 POST 403 POST 201 "
expect_eq "flaky: one comment" "$(comments flaky 'len(c)')" 1
stop

# 4. A huge report: cut to GitHub's limit at a line, its open SQL fence and <details> closed.
$PY - "$CHECK_WORK/huge.md" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("### ❌ migrate-gate check failed\n\n<details><summary>0001</summary>\n\n````sql\n")
    for i in range(6000):
        f.write(f"CREATE INDEX ix_{i} ON t (c{i});\n")
    f.write("````\n\n</details>\n")
EOF
serve huge github --token "$GH_TOKEN" --project acme/shop --number 7
gh huge "$CHECK_WORK/huge.md"
expect_eq "huge: exit" "$RC" 0
comments huge 'c[0]["body"]' > "$OUT/huge.posted.md"
[ "$(wc -c < "$OUT/huge.posted.md")" -le 65536 ] || fail "huge: over the limit"
grep -q '^\*\*The report is cut here: it is longer than a comment may be.\*\* The whole report is in \[the job.s summary\](https://github.example/acme/shop/actions/runs/99)' \
	"$OUT/huge.posted.md" || fail "huge: no cut note with the job link"
[ "$(grep -c '^````$' "$OUT/huge.posted.md")" = 1 ] && grep -q '^````sql$' "$OUT/huge.posted.md" || fail "huge: the fence is not closed"
[ "$(grep -c '^</details>$' "$OUT/huge.posted.md")" = 1 ] || fail "huge: <details> not closed"
stop

# 5. GitLab: PRIVATE-TOKEN, then the job token; create then update with PUT on the MR's notes.
gl() {
	local name=$1
	shift
	RC=0
	env -i PATH="$PATH" GITLAB_CI=true CI_API_V4_URL="$API/api/v4" CI_PROJECT_ID=321 CI_MERGE_REQUEST_IID=12 \
		CI_JOB_URL=https://gitlab.example/acme/shop/-/jobs/5 "$@" \
		> "$OUT/$name.stdout" 2> "$OUT/$name.stderr" || RC=$?
}
serve gl gitlab --token "$GL_TOKEN" --auth private --project 321 --number 12 --seed 3
gl gl1 GITLAB_TOKEN=$GL_TOKEN CI_JOB_TOKEN=$JOB_TOKEN timeout 60 "$MIGRATE_GATE_BIN" comment "$CHECK_WORK/r1.md"
expect_eq "gitlab create: exit" "$RC" 0
gl gl2 GITLAB_TOKEN=$GL_TOKEN timeout 60 "$MIGRATE_GATE_BIN" comment "$CHECK_WORK/r2.md"
expect_eq "gitlab update: exit" "$RC" 0
expect_eq "gitlab: requests" "$(requests gl | awk '{print $1, $2, $3}' | sort | uniq -c | awk '{$1=$1; print}' | tr '\n' ';')" \
	"2 GET /api/v4/projects/321/merge_requests/12/notes?per_page=100&page=1&sort=asc 200;1 POST /api/v4/projects/321/merge_requests/12/notes 201;1 PUT /api/v4/projects/321/merge_requests/12/notes/5001 200;"
expect_eq "gitlab: one note of ours" "$(comments gl 'len(c)')" 4
stop
serve job gitlab --token "$JOB_TOKEN" --auth job --project 321 --number 12
gl job CI_JOB_TOKEN=$JOB_TOKEN timeout 60 "$MIGRATE_GATE_BIN" comment "$CHECK_WORK/r1.md"
expect_eq "job token: exit" "$RC" 0
expect_eq "job token: created" "$(comments job 'len(c)')" 1
stop
# Not a merge request pipeline: a usage error naming what is missing.
gl nomr CI_JOB_TOKEN=$JOB_TOKEN CI_MERGE_REQUEST_IID= timeout 60 "$MIGRATE_GATE_BIN" comment "$CHECK_WORK/r1.md"
expect_eq "no MR: exit" "$RC" 2
grep -q "^error: cannot comment: this run is not for a pull or merge request" "$OUT/nomr.stderr" || fail "no MR: message"

# 6. check --comment: the report of the run becomes the comment; a refused comment only warns.
use_scratch_cache
good=$(private_copy good)
serve chk github --token "$GH_TOKEN" --project acme/shop --number 7
CHECK_ENV="GITHUB_ACTIONS= GITHUB_TOKEN=$GH_TOKEN GITHUB_API_URL=$API GITHUB_REPOSITORY=acme/shop GITHUB_REF=refs/pull/7/merge"
mg_check chk -C "$good" --fail-on never --comment --provider github
expect_rc chk 0
comments chk 'c[0]["body"]' > "$OUT/chk.posted.md"
head -n 1 "$OUT/chk.posted.md" | grep -qE "^<!-- migrate-gate:$(basename "$good") sha256:" || fail "chk: key is not the project folder"
grep -qx "### ✅ migrate-gate check passed" "$OUT/chk.posted.md" || fail "chk: the comment is not the check's report"
stop
serve chk403 github --token "$GH_TOKEN" --project acme/shop --number 7 --script 403
CHECK_ENV="GITHUB_ACTIONS= GITHUB_TOKEN=$GH_TOKEN GITHUB_API_URL=$API GITHUB_REPOSITORY=acme/shop GITHUB_REF=refs/pull/7/merge"
mg_check chk403 -C "$good" --fail-on never --comment --provider github
expect_rc chk403 0
expect_err chk403 "warning: cannot comment: the list of comments answered HTTP 403"
! grep -q "^error:" "$CHECK_WORK/chk403.err" || fail "chk403: an error line"
stop
CHECK_ENV=
cp "$CHECK_WORK"/*.err "$OUT/" 2> /dev/null || true
expect_clean chk "$good"
check_done "comment: create/update/unchanged, 403, 500 then 200, rate limit, huge report, GitLab, check --comment"
