"""Checks a Markdown report (--summary-md) against the JSON report of the same run.

usage: check_markdown.py REPORT.md REPORT.json [--fail-on LEVEL]

The JSON report is the reference. The Markdown must carry the same verdict, one
table row per revision with each step's status and duration, every finding with
its rule link and help line, a Mermaid gantt chart that Mermaid itself parses
(tests/lib/mermaid_tasks.mjs) with each step where and as long as it ran, and the
executed SQL of each revision in a collapsed <details> block. Exits non-zero with a
message on the first mismatch.
"""

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ICON = {"ok": "\u2705", "failed": "\u274c", "not_run": "\u2796"}


def fail(msg):
    sys.exit(f"check_markdown: {msg}")


def expect(cond, msg):
    if not cond:
        fail(msg)


def unescape(text):
    """Undo the writer's escaping: backslash before punctuation, then HTML entities."""
    return html.unescape(re.sub(r"\\([\\`*_\[\]|#~!])", r"\1", text))


def seconds(ms):
    return f"{ms / 1000:.2f} s" if ms < 10000 else f"{ms / 1000:.1f} s"


def check_verdict(md, ref):
    first = md.splitlines()[0]
    word = "passed" if ref["passed"] else "failed"
    expect(first == f"### {ICON['ok'] if ref['passed'] else ICON['failed']} migrate-gate {ref['command']} {word}",
           f"verdict line {first!r}")
    s = ref["summary"]
    expect(f"**{s['errors']} error(s)**, {s['warnings']} warning(s), {s['info']} info" in md, "summary counts")


def table_rows(md):
    rows = {}
    for line in md.splitlines():
        m = re.match(r"^\| (\S+) \| <code>(.*?)</code> \| (.*)\|$", line)
        if m:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", m.group(3))]
            rows[html.unescape(m.group(2))] = (m.group(1), cells)
    return rows


def check_table(md, ref):
    header = next((l for l in md.splitlines() if l.startswith("| | revision | description")), None)
    revisions = ref["revisions"]
    if not revisions:
        expect(header is None, "a revision table without revisions")
        return
    expect(header, "no revision table")
    columns = [c.strip() for c in header.split("|")[4:-1]]
    rows = table_rows(md)
    expect(len(rows) == len(revisions), f"{len(rows)} table rows for {len(revisions)} revisions")
    for rev in revisions:
        icon, cells = rows[rev["id"]]
        expect(unescape(cells[0]) == (rev["title"] or ""), f"{rev['id']}: description {cells[0]!r}")
        steps = {s["name"]: s for s in rev["steps"]}
        for col, cell in zip(columns, cells[1:]):
            if col == "deploy mode":
                continue
            step = steps.get(col)
            want = ICON[step["status"]] + " " + seconds(step["duration_ms"]) if step else ICON["not_run"]
            # The JSON rounds durations to whole milliseconds; the table shows two decimals of a second.
            if step and cell != want:
                got = re.match(r"^(\S+) ([0-9.]+) s$", cell)
                expect(got and got.group(1) == ICON[step["status"]] and
                       abs(float(got.group(2)) * 1000 - step["duration_ms"]) <= 6,
                       f"{rev['id']} {col}: {cell!r}, expected {want!r}")
            else:
                expect(cell == want, f"{rev['id']} {col}: {cell!r}, expected {want!r}")
        mine = [f["severity"] for f in ref["findings"] if f["revision"] == rev["id"]]
        worst = "error" if "error" in mine else "warning" if "warning" in mine else "info" if mine else None
        want_icon = {"error": "\u274c", "warning": "\u26a0\ufe0f", "info": "\u2139\ufe0f", None: "\u2705"}[worst]
        expect(icon == want_icon, f"{rev['id']}: row icon {icon}, worst finding {worst}")


def check_findings(md, ref):
    items = re.findall(r"^- \S+ \*\*(error|warning|info)\*\* \[<code>([a-z0-9-]+)</code>\]\((\S+)\)(.*)\n"
                       r"  (.*?)(?:<br>\n  \*help:\* (.*))?$", md, re.M)
    findings = ref["findings"][:200]
    expect(len(items) == len(findings), f"{len(items)} findings in Markdown, {len(findings)} in JSON")
    for (sev, rule, url, where, message, help_), f in zip(items, findings):
        expect((sev, rule) == (f["severity"], f["rule"]), f"finding {rule} {sev} for {f['rule']} {f['severity']}")
        expect(url.endswith("/docs/rules.md#" + rule), f"rule link {url}")
        # Line breaks become spaces: a list item is one paragraph.
        want = re.sub(r"[\r\n]", " ", f["message"])
        expect(unescape(message.removesuffix("<br>")) == want, f"message of {rule}: {message!r}")
        expect(unescape(help_ or "") == f["help"], f"help line of {rule}: {help_!r}")
        if f["file"]:
            expect(f"<code>{html.escape(f['file'], quote=False)}:{f['line']}</code>" in where, f"location {where!r}")


def check_timeline(md, ref):
    runs = [(r["id"], s) for r in ref["revisions"] for s in r["steps"] if s["status"] != "not_run"]
    m = re.search(r"^```mermaid\n(.*?)^```$", md, re.M | re.S)
    if not runs:
        expect(m is None, "a timeline without steps")
        return
    expect(m, "no mermaid block")
    with tempfile.NamedTemporaryFile("w", suffix=".mmd", delete=False) as f:
        f.write(m.group(1))
    try:
        out = subprocess.run(["node", os.path.join(HERE, "mermaid_tasks.mjs"), f.name], capture_output=True,
                             text=True, timeout=120)
    finally:
        os.unlink(f.name)
    expect(out.returncode == 0, f"Mermaid does not parse the timeline: {out.stderr.strip()}")
    tasks = [line.split("|") for line in out.stdout.splitlines()]
    expect(len(tasks) == len(runs), f"{len(tasks)} gantt tasks for {len(runs)} steps")
    for (section, task, start, end), (rev, step) in zip(tasks, runs):
        expect(section == rev and task.startswith(step["name"] + " ("), f"task {section}/{task} for {rev}/{step['name']}")
        expect(int(start) == step["start_ms"], f"{rev} {step['name']} starts at {start}, not {step['start_ms']}")
        expect(int(end) - int(start) == max(step["duration_ms"], 1), f"{rev} {step['name']} lasts {int(end) - int(start)} ms")


def check_sql(md, ref):
    blocks = re.findall(r"<details><summary><code>(.*?)</code>.*? (\d+) statement\(s\)</summary>\n\n"
                        r"(`{3,})sql\n(.*?)\n\3\n\n</details>", md, re.S)
    with_sql = [r for r in ref["revisions"] if r["sql"]]
    expect(len(blocks) == len(with_sql), f"{len(blocks)} SQL blocks for {len(with_sql)} revisions with SQL")
    for (rev, count, _, body), r in zip(blocks, with_sql):
        expect(html.unescape(rev) == r["id"] and int(count) == len(r["sql"]), f"SQL block of {rev}")
        want = "\n".join(s.rstrip(" \t\r\n;") + ";" for s in r["sql"])
        expect(body == want, f"SQL of {rev} differs from the JSON report")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("markdown")
    ap.add_argument("reference")
    args = ap.parse_args()
    with open(args.markdown, encoding="utf-8") as f:
        md = f.read()
    with open(args.reference, encoding="utf-8") as f:
        ref = json.load(f)
    check_verdict(md, ref)
    check_table(md, ref)
    check_findings(md, ref)
    check_timeline(md, ref)
    check_sql(md, ref)
    print(f"markdown: {len(ref['revisions'])} revision(s), {len(ref['findings'])} finding(s) match the JSON report")


if __name__ == "__main__":
    main()
