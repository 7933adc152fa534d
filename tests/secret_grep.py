"""The suite-wide secret check: no password or token a test uses shows in anything a test produced.

    python3 tests/secret_grep.py tests/secrets.txt BUILD/test-outputs

ctest runs it after every other test (secrets/no_secret_in_outputs, a fixture cleanup of every
tests/cli and tests/e2e script). Each line of secrets.txt is a secret (lines starting with "# "
are comments, empty lines are skipped); each is looked for, as bytes, in every file under the
outputs folder, spelt raw, %-encoded (every byte that is not unreserved, upper- or lower-case
hex, and with '+' for a blank), and the way SQLAlchemy 1.4 writes a URL password (only ':', '@'
and '/' encoded). A hit names the file, the line of secrets.txt and the spelling, never the
secret itself. The check is not vacuous: it fails when the outputs folder or secrets.txt is
empty, and --self-test proves that a planted secret is found.
"""
import os
import re
import sys
import tempfile
from urllib.parse import quote, quote_plus


def spellings(secret):
    forms = {"raw": secret, "encoded": quote(secret, safe=""), "encoded+": quote_plus(secret, safe=""),
             "sqlalchemy": re.sub(r"[:@/]", lambda m: "%%%X" % ord(m.group(0)), secret)}
    for name in ("encoded", "encoded+"):
        forms[name + "-lower"] = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), forms[name])
    unique = {}
    for name, form in forms.items():  # one name per distinct spelling
        if form and form.encode() not in unique.values():
            unique[name] = form.encode()
    return unique


def read_secrets(path):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    return [(i + 1, s) for i, s in enumerate(lines) if s and not s.startswith("# ")]


def scan(secrets, root):
    """Yields (file, line of secrets.txt, spelling) for every hit, and counts the files read."""
    patterns = [(line, name, form) for line, s in secrets for name, form in spellings(s).items()]
    files = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            files += 1
            for line, spelling, form in patterns:
                if form in data:
                    yield path, line, spelling
    scan.files = files


def check(secrets_path, root):
    secrets = read_secrets(secrets_path)
    if not secrets:
        print("FAIL: %s lists no secret: the check would prove nothing" % secrets_path)
        return 1
    if not os.path.isdir(root) or not any(files for _, _, files in os.walk(root)):
        print("FAIL: %s is empty: no test kept its outputs (run the cli and e2e tests first)" % root)
        return 1
    hits = list(scan(secrets, root))
    for path, line, spelling in hits:
        print("FAIL: %s holds the secret of %s line %d (%s)" % (os.path.relpath(path, root), secrets_path, line,
                                                              spelling))
    tests = sorted({os.path.relpath(d, root) for d, _, f in os.walk(root) if f})
    print("%d secret(s), %d spelling(s), %d file(s) of %d folder(s): %d hit(s)"
          % (len(secrets), sum(len(spellings(s)) for _, s in secrets), scan.files, len(tests), len(hits)))
    return 1 if hits else 0


def self_test(secrets_path):
    """A planted secret, in each spelling, must be found: the check can fail."""
    secrets = read_secrets(secrets_path)
    line, secret = max(secrets, key=lambda ls: len(spellings(ls[1])))  # the one with most spellings
    with tempfile.TemporaryDirectory() as root:
        for name, form in spellings(secret).items():
            with open(os.path.join(root, name + ".json"), "wb") as f:
                f.write(b'{"message": "connect failed: ' + form + b'"}')
        found = {spelling for _, _, spelling in scan(secrets, root)}
    missing = set(spellings(secret)) - found
    print("self-test: planted %d spelling(s), found %d" % (len(spellings(secret)), len(found)))
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--self-test":
        sys.exit(self_test(sys.argv[2]))
    if len(sys.argv) != 3:
        sys.exit("usage: secret_grep.py SECRETS_TXT OUTPUTS_DIR | --self-test SECRETS_TXT")
    status = self_test(sys.argv[1]) or check(sys.argv[1], sys.argv[2])
    sys.exit(status)
