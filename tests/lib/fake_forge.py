#!/usr/bin/env python3
"""A fake of the GitHub REST v3 and GitLab v4 comment APIs, for the comment tests.

It binds to 127.0.0.1 on a free port (written to --port-file) and serves one
pull request (GitHub issue comments) or merge request (GitLab notes) the way the
real APIs define them: the paths, the methods (GET list with per_page/page, POST
to create, PATCH on GitHub or PUT on GitLab to update), the authentication header
(Authorization: Bearer on GitHub, with the Accept, X-GitHub-Api-Version and
User-Agent headers; PRIVATE-TOKEN or JOB-TOKEN on GitLab), a JSON body holding
exactly {"body": string} within the API's length limit. Anything else gets the
API's error status. --script answers the first requests with given statuses:
"500,ratelimit,403". Every request is logged as one JSON line (the token only as
a digest); the comments are written to --state after each change. It stops by
itself after --idle seconds without a request or --max-seconds in all.
"""
import argparse
import hashlib
import http.server
import json
import re
import sys
import threading
import time
import urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--kind", choices=["github", "gitlab"], required=True)
p.add_argument("--token", required=True)
p.add_argument("--auth", choices=["bearer", "private", "job"], default="bearer")
p.add_argument("--project", required=True, help="owner/repo, or the GitLab project id")
p.add_argument("--number", required=True)
p.add_argument("--port-file", required=True)
p.add_argument("--log", required=True)
p.add_argument("--state", required=True)
p.add_argument("--seed", type=int, default=0, help="unrelated comments already on the pull request")
p.add_argument("--script", default="")
p.add_argument("--idle", type=float, default=30)
p.add_argument("--max-seconds", type=float, default=120)
ARGS = p.parse_args()
SCRIPT = [s.strip() for s in ARGS.script.split(",") if s.strip()]
LOCK = threading.RLock()  # reply() logs under it, also from inside a locked update
LAST = [time.monotonic()]
COMMENTS = [{"id": 1000 + i, "body": f"unrelated comment {i}", "system": False} for i in range(ARGS.seed)]
NEXT_ID = [5000]
LIMIT = 65536 if ARGS.kind == "github" else 1000000

if ARGS.kind == "github":
    LIST = f"/repos/{ARGS.project}/issues/{ARGS.number}/comments"
    ONE = re.compile(rf"^/repos/{re.escape(ARGS.project)}/issues/comments/(\d+)$")
    UPDATE = "PATCH"
else:
    project = urllib.parse.quote(ARGS.project, safe="")
    LIST = f"/api/v4/projects/{project}/merge_requests/{ARGS.number}/notes"
    ONE = re.compile(rf"^{re.escape(LIST)}/(\d+)$")
    UPDATE = "PUT"


def save():
    with open(ARGS.state, "w") as f:
        json.dump(COMMENTS, f)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj, headers=()):
        # Logged before the answer goes out: a client that has its answer finds its request in the log.
        url = urllib.parse.urlsplit(self.path)
        auth = self.headers.get("Authorization") or self.headers.get("PRIVATE-TOKEN") or self.headers.get("JOB-TOKEN") or ""
        entry = {"method": self.command, "path": url.path, "query": url.query, "status": status,
                 "auth_sha256": hashlib.sha256(auth.encode()).hexdigest(), "size": len(self.body)}
        with LOCK, open(ARGS.log, "a") as f:
            f.write(json.dumps(entry) + "\n")
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def auth_problem(self):
        h = self.headers
        if ARGS.kind == "github":
            if h.get("Authorization") != f"Bearer {ARGS.token}":
                return 401, "Bad credentials"
            if h.get("Accept") != "application/vnd.github+json" or not h.get("X-GitHub-Api-Version") \
                    or not h.get("User-Agent"):
                return 400, "Accept, X-GitHub-Api-Version and User-Agent are required"
        else:
            name = "PRIVATE-TOKEN" if ARGS.auth == "private" else "JOB-TOKEN"
            if h.get(name) != ARGS.token:
                return 401, "401 Unauthorized"
        return None

    def json_body(self):
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
            return None, (415, "Content-Type must be application/json")
        try:
            obj = json.loads(self.body)
        except ValueError:
            return None, (400, "Problems parsing JSON")
        if not isinstance(obj, dict) or set(obj) != {"body"} or not isinstance(obj["body"], str):
            return None, (422, "Invalid request: the body must be {\"body\": string}")
        if len(obj["body"]) > LIMIT:
            return None, (422, f"Validation Failed: body is too long (maximum is {LIMIT} characters)")
        return obj["body"], None

    def scripted(self):
        with LOCK:
            step = SCRIPT.pop(0) if SCRIPT else None
        if step == "ratelimit":
            self.reply(403, {"message": "You have exceeded a secondary rate limit"},
                       [("Retry-After", "1"), ("x-ratelimit-remaining", "0")])
        elif step and step != "ok":
            self.reply(int(step), {"message": f"scripted {step}"})
        return step not in (None, "ok")

    def handle_any(self):
        LAST[0] = time.monotonic()
        n = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(n) if n else b""
        if self.scripted():
            return
        problem = self.auth_problem()
        if problem:
            return self.reply(problem[0], {"message": problem[1]})
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        m = ONE.match(url.path)
        if url.path == LIST and self.command == "GET":
            per, page = int(q.get("per_page", 30)), int(q.get("page", 1))
            return self.reply(200, COMMENTS[(page - 1) * per: page * per])
        if url.path == LIST and self.command == "POST":
            body, err = self.json_body()
            if err:
                return self.reply(err[0], {"message": err[1]})
            with LOCK:
                NEXT_ID[0] += 1
                COMMENTS.append({"id": NEXT_ID[0], "body": body, "system": False})
                save()
            return self.reply(201, COMMENTS[-1])
        if m and self.command == UPDATE:
            body, err = self.json_body()
            if err:
                return self.reply(err[0], {"message": err[1]})
            with LOCK:
                for c in COMMENTS:
                    if c["id"] == int(m.group(1)):
                        c["body"] = body
                        save()
                        return self.reply(200, c)
            return self.reply(404, {"message": "Not Found"})
        return self.reply(404 if self.command in ("GET", "POST", UPDATE) else 405, {"message": "Not Found"})

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any


def main():
    save()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(ARGS.port_file + ".tmp", ARGS.port_file)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start = time.monotonic()
    while time.monotonic() - LAST[0] < ARGS.idle and time.monotonic() - start < ARGS.max_seconds:
        time.sleep(0.2)
    server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
