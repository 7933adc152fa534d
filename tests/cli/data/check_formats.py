"""Checks one migrate-gate report format against the JSON report of the same run.

usage: check_formats.py FORMAT REPORT JSON_REPORT [--fail-on LEVEL] [--rules IDS_FILE]

The JSON report is the reference: every other format must carry the same
findings, in the same order, with the same positions. Exits non-zero with a
message on the first mismatch. Used by tests/cli/formats*.sh.
"""

import argparse
import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = {"info": 1, "warning": 2, "error": 3}


def fail(msg):
    sys.exit(f"check_formats: {msg}")


def expect(cond, msg):
    if not cond:
        fail(msg)


def at_or_above(sev, fail_on):
    return fail_on != "never" and ORDER[sev] >= ORDER[fail_on]


def check_sarif(text, ref, args):
    import jsonschema  # Debian: python3-jsonschema

    doc = json.loads(text)
    with open(os.path.join(HERE, "sarif-2.1.0-rtm.5.json")) as f:
        schema = json.load(f)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=str)
    expect(not errors, "SARIF does not match the 2.1.0 schema: " + "; ".join(e.message for e in errors[:3]))
    expect(doc["version"] == "2.1.0", "SARIF version")
    expect("sarif" in doc["$schema"], "SARIF $schema")
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    expect(driver["name"] == "migrate-gate" and driver["version"], "tool.driver name/version")
    expect(driver["informationUri"].startswith("https://"), "tool.driver.informationUri")
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    expect(len(ids) == len(set(ids)), "duplicate rule ids in tool.driver.rules")
    # helpUri: the rule's section of docs/rules.md in the repository, which must exist.
    with open(os.path.join(HERE, "..", "..", "..", "docs", "rules.md"), encoding="utf-8") as f:
        sections = set(re.findall(r"^### ([a-z0-9-]+)$", f.read(), re.M))
    expect(driver["informationUri"].endswith("/docs/rules.md"), "informationUri is not docs/rules.md")
    for r in rules:
        expect(r["helpUri"] == driver["informationUri"] + "#" + r["id"], f"rule {r['id']} helpUri {r['helpUri']}")
        expect(r["id"] in sections, f"docs/rules.md has no section for {r['id']}")
        expect(r["shortDescription"]["text"] and r["help"]["text"], f"rule {r['id']} lacks text")
        expect(r["defaultConfiguration"]["level"] in ("error", "warning", "note"), f"rule {r['id']} level")
        expect(re.fullmatch(r"[A-Z][A-Za-z0-9]*", r["name"]), f"rule {r['id']} name {r['name']} is not PascalCase")
    if args.rules:
        with open(args.rules) as f:
            listed = [line.split()[0] for line in f if line.strip()]
        expect(set(listed) <= set(ids), f"rules missing from SARIF: {set(listed) - set(ids)}")
    results = run["results"]
    expect(len(results) == len(ref["findings"]), f"{len(results)} SARIF results for {len(ref['findings'])} findings")
    level = {"error": "error", "warning": "warning", "info": "note"}
    for res, f in zip(results, ref["findings"]):
        expect(res["ruleId"] == f["rule"], f"ruleId {res['ruleId']} != {f['rule']}")
        expect(rules[res["ruleIndex"]]["id"] == f["rule"], f"ruleIndex of {f['rule']} points elsewhere")
        expect(res["level"] == level[f["severity"]], f"level {res['level']} for {f['severity']}")
        expect(res["message"]["text"] == f["message"], "message text")
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        expect(not re.search(r'[ <>:"]', uri), f"uri not percent-encoded: {uri}")
        expect(urllib.parse.unquote(uri) == re.sub(r"^(\./)+", "", f["file"]), f"uri {uri} for {f['file']}")
        reg = loc["region"]
        expect((reg["startLine"], reg["startColumn"]) == (f["line"], f["column"]), f"region start {reg}")
        expect((reg["endLine"], reg["endColumn"]) == (f["end_line"], f["end_column"]), f"region end {reg}")


def check_gitlab(text, ref, args):
    issues = json.loads(text)
    expect(isinstance(issues, list), "GitLab report is not an array")
    expect(len(issues) == len(ref["findings"]), f"{len(issues)} issues for {len(ref['findings'])} findings")
    severity = {"error": "critical", "warning": "major", "info": "info"}
    for issue, f in zip(issues, ref["findings"]):
        expect(issue["check_name"] == f["rule"], "check_name")
        expect(issue["description"] == f["message"], "description")
        expect(issue["severity"] == severity[f["severity"]], f"severity {issue['severity']} for {f['severity']}")
        expect(re.fullmatch(r"[0-9a-f]{16,64}", issue["fingerprint"]), f"fingerprint {issue['fingerprint']}")
        expect(issue["location"]["path"] == re.sub(r"^(\./)+", "", f["file"]), "location.path")
        expect(issue["location"]["lines"]["begin"] == max(f["line"], 1), "location.lines.begin")
    prints = [i["fingerprint"] for i in issues]
    expect(len(prints) == len(set(prints)), "fingerprints are not unique")


def check_junit(text, ref, args):
    """One testcase per unit: a revision when the report has revisions (check), else a file (lint)."""
    root = ET.fromstring(text)
    expect(root.tag == "testsuites", "root is not <testsuites>")
    suites = root.findall("testsuite")
    expect(len(suites) == 1, "expected one <testsuite>")
    suite = suites[0]
    cases = suite.findall("testcase")
    findings = ref["findings"]
    revisions = ref.get("revisions") or []
    key = (lambda f: f["revision"] or f["file"]) if revisions else (lambda f: f["file"])
    units = [r["id"] for r in revisions]
    for f in findings:
        if key(f) not in units:
            units.append(key(f))
    if not revisions:
        expect(len(cases) == max(ref["summary"]["files"], 1), f"{len(cases)} testcases for {ref['summary']['files']} files")
    else:
        expect(len(cases) == len(units), f"{len(cases)} testcases for {len(units)} revisions")
    names = [c.get("name").split(" ")[0] if revisions else c.get("name") for c in cases]
    expect(names[: len(units)] == units or not revisions, f"testcase order {names} != {units}")
    failing_units = {key(f) for f in findings if at_or_above(f["severity"], args.fail_on)}
    expect(int(suite.get("tests")) == len(cases), "tests count")
    expect(int(suite.get("failures")) == len(failing_units) == len(suite.findall("testcase/failure")), "failures count")
    expect(int(root.get("failures")) == len(failing_units), "testsuites failures count")
    expect(suite.get("name").startswith("migrate-gate"), "suite name")
    by_name = dict(zip(names, cases))
    for unit in units:
        case = by_name.get(unit)
        expect(case is not None, f"no testcase for {unit}")
        mine = [f for f in findings if key(f) == unit]
        failure = case.find("failure")
        expect((failure is not None) == (unit in failing_units), f"failure element of {unit}")
        body = failure.text if failure is not None else (case.findtext("system-out") or "")
        for f in mine:
            expect(f"[{f['rule']}] {f['message']}" in body, f"{unit}: finding {f['rule']} not in its testcase")
        if failure is not None:
            first = next(f for f in mine if at_or_above(f["severity"], args.fail_on))
            expect(failure.get("type") == first["rule"], "failure type")
            expect(failure.get("message").endswith("first: " + first["message"]), "failure message")
    if not findings and not revisions:
        expect(all(c.find("failure") is None for c in cases), "a clean run has a failing testcase")


def unescape_property(s):
    codes = {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: codes[m.group(1)], s)


def check_github(text, ref, args):
    lines = text.splitlines()
    if "replay" in ref:  # check ends with one line for the replay's end state
        expect(lines and re.fullmatch(r"::(notice|warning) title=migrate-gate replay::.+", lines[-1]),
               f"no replay end-state line last: {lines[-1:]!r}")
        lines = lines[:-1]
    expect(len(lines) == len(ref["findings"]), f"{len(lines)} annotation lines for {len(ref['findings'])} findings")
    command = {"error": "error", "warning": "warning", "info": "notice"}
    for line, f in zip(lines, ref["findings"]):
        m = re.fullmatch(r"::(error|warning|notice) ([^:]*)::(.*)", line)
        expect(m, f"not a workflow command: {line!r}")
        expect(m.group(1) == command[f["severity"]], f"::{m.group(1)} for {f['severity']}")
        pairs = m.group(2).split(",")
        expect(all("=" in p for p in pairs), f"unescaped ',' in properties: {m.group(2)!r}")
        props = dict(p.split("=", 1) for p in pairs)
        expect(unescape_property(props["file"]) == f["file"], f"file= {props['file']} for {f['file']}")
        expect(props["title"] == f["rule"], "title=")
        expect((int(props["line"]), int(props["col"])) == (f["line"], f["column"]), "line=/col=")
        expect(int(props["endLine"]) == f["end_line"], "endLine=")
        message = unescape_property(m.group(3))
        expect(message.startswith(f["message"] + "\n"), f"message {message!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("format", choices=["sarif", "gitlab", "junit", "github"])
    ap.add_argument("report")
    ap.add_argument("reference")
    ap.add_argument("--fail-on", default="error")
    ap.add_argument("--rules")
    args = ap.parse_args()
    with open(args.report, encoding="utf-8") as f:
        text = f.read()
    with open(args.reference, encoding="utf-8") as f:
        ref = json.load(f)
    globals()["check_" + args.format](text, ref, args)
    print(f"{args.format}: {len(ref['findings'])} finding(s) match the JSON report")


if __name__ == "__main__":
    main()
