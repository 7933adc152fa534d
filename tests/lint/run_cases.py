#!/usr/bin/env python3
"""Runs the lint cases of one rule directory and compares exact findings.

A case is a .sql file. Its header comments say what it must produce:
    -- expect: RULE LINE:COL      (one line per expected finding)
    -- options: --pg-version 10   (extra flags for migrate-gate lint)
    -- expect-all                 (compare findings of every rule, not just RULE)
A case with no expect line must give no finding of the directory's rule
(of any rule with expect-all). The directory's name is the rule id.
"""
import json
import os
import shlex
import subprocess
import sys


def parse_header(path):
    expected, options, all_rules = [], [], False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            s = line.strip()
            if s.startswith("-- expect:"):
                rule, pos = s[len("-- expect:"):].split()
                ln, col = pos.split(":")
                expected.append((rule, int(ln), int(col)))
            elif s.startswith("-- options:"):
                options += shlex.split(s[len("-- options:"):])
            elif s == "-- expect-all":
                all_rules = True
    return sorted(expected), options, all_rules


def run_case(binary, rule, path):
    expected, options, all_rules = parse_header(path)
    cmd = [binary, "lint", "--format", "json", "--fail-on", "never", "--color", "never"] + options + [path]
    p = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "GITHUB_ACTIONS": ""})
    if p.returncode != 0:
        return f"exit {p.returncode}: {p.stderr.strip()}"
    report = json.loads(p.stdout)
    got = sorted((f["rule"], f["line"], f["column"]) for f in report["findings"]
                 if all_rules or f["rule"] == rule)
    if got != expected:
        return f"expected {expected}\n      got      {got}"
    return None


def main():
    binary, directory = sys.argv[1], sys.argv[2]
    rule = os.path.basename(directory.rstrip("/"))
    cases = sorted(f for f in os.listdir(directory) if f.endswith(".sql"))
    failed = 0
    for name in cases:
        err = run_case(binary, rule, os.path.join(directory, name))
        if err:
            failed += 1
            print(f"FAIL {rule}/{name}: {err}")
        else:
            print(f"ok   {rule}/{name}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    if not cases:
        print("no cases found")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
