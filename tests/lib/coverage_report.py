#!/usr/bin/env python3
"""Per-test line coverage of src/ from gcov data (scripts/coverage).

Usage: coverage_report.py BUILD GCOV_DIR OUT.json [SUBSUMED_TEST...]
GCOV_DIR holds one folder per test (tests/lib/gcov_launch.sh); each is a copy of the paths of
the .gcda files its processes wrote. The .gcno files come from BUILD. Prints the per-module
table and, for each subsumed test (left out of the sanitizer run), the lines only it reaches
among the tests that are not subsumed; exits 1 when there is one.
"""
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile


def gcov_lines(gcdas, cwd):
    """{src-relative file: {line: count}} for these .gcda (or absent .gcda: all zero) paths."""
    out = collections.defaultdict(dict)
    for i in range(0, len(gcdas), 40):
        r = subprocess.run(["gcov", "--json-format", "--stdout"] + gcdas[i:i + 40], cwd=cwd,
                           capture_output=True, text=True)
        for doc in r.stdout.splitlines():
            if not doc.strip():
                continue
            for f in json.loads(doc).get("files", []):
                if "/src/" not in f["file"]:
                    continue
                rel = "src/" + f["file"].split("/src/", 1)[1]
                for ln in f["lines"]:
                    out[rel][ln["line_number"]] = out[rel].get(ln["line_number"], 0) + ln["count"]
    return out


def test_lines(tdir, work):
    """The set of 'file:line' a test reached."""
    gcdas = []
    for g in glob.glob(tdir + "/**/*.gcda", recursive=True):
        gcno = g[len(tdir):][:-5] + ".gcno"  # the object's own path, under BUILD
        if os.path.exists(gcno):
            shutil.copy(gcno, g[:-5] + ".gcno")
            gcdas.append(g)
    reached = set()
    for f, lines in gcov_lines(gcdas, work).items():
        reached.update("%s:%d" % (f, n) for n, c in lines.items() if c > 0)
    return reached


def module(line):
    parts = line.split(":")[0].split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0] + "/" + parts[1].split(".")[0]


def main():
    build, gdir, out_json = sys.argv[1:4]
    gdir = os.path.abspath(gdir)  # test_lines() strips it from absolute .gcda paths
    subsumed = [t.replace("/", "_") for t in sys.argv[4:]]
    work = tempfile.mkdtemp()
    gcnos = glob.glob(os.path.abspath(build) + "/**/*.gcno", recursive=True)
    executable = set()
    for f, lines in gcov_lines([g[:-5] + ".gcda" for g in gcnos], work).items():
        executable.update("%s:%d" % (f, n) for n in lines)
    per_test = {t: test_lines(os.path.join(gdir, t), work) for t in sorted(os.listdir(gdir))}
    shutil.rmtree(work)
    everything = set().union(*per_test.values()) & executable
    sanitized = set().union(*(v for t, v in per_test.items() if t not in subsumed)) & executable

    rows = collections.defaultdict(lambda: [0, 0, 0])
    for line in executable:
        r = rows[module(line)]
        r[0] += 1
        r[1] += line in everything
        r[2] += line in sanitized
    pct = lambda a, b: "%5.1f%%" % (100.0 * a / b) if b else "    -"
    print("| module | lines | whole suite | % | sanitizer run | % |")
    print("|---|---:|---:|---:|---:|---:|")
    for m in sorted(rows):
        n, a, s = rows[m]
        print("| %s | %d | %d | %s | %d | %s |" % (m, n, a, pct(a, n), s, pct(s, n)))
    n = len(executable)
    print("| **total** | %d | %d | %s | %d | %s |" % (n, len(everything), pct(len(everything), n),
                                                        len(sanitized), pct(len(sanitized), n)))
    print()
    status = 0
    for t in subsumed:
        only = sorted(per_test.get(t, set()) - sanitized)
        print("%s: %d lines of src/ reached, %d reached by no sanitizer-run test%s" % (
            t, len(per_test.get(t, ())), len(only), (": " + ", ".join(only[:20])) if only else ""))
        if not per_test.get(t):  # killed or env -i runs write nothing here: nothing is proven
            print("  no gcov data for it: nothing shows what it reaches, so it must run under the sanitizers")
        status |= bool(only) or not per_test.get(t)
    json.dump({"executable": len(executable), "whole_suite": len(everything),
               "sanitizer_run": len(sanitized),
               "per_test": {t: len(v) for t, v in per_test.items()},
               "only_in_subsumed": {t: sorted(per_test.get(t, set()) - sanitized) for t in subsumed}},
              open(out_json, "w"), indent=1)
    return status


if __name__ == "__main__":
    sys.exit(main())
