"""Writes migrate-gate(1) from the binary's own --help texts, so the man page and
--help never disagree: `migrate-gate --help` gives the synopsis and the command
list, `migrate-gate help COMMAND` each command's section. Options become .TP
entries, "Heading:" lines subsections, everything else paragraphs.

usage: manpage.py BINARY VERSION URL OUT.1.gz
"""

import gzip
import re
import subprocess
import sys


def roff(text):
    """Escapes text for roff: backslashes, and a leading '.' or "'" that would be a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text)


def help_text(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def commands(main_help):
    """(name, summary) from the 'Commands:' block of the top-level help."""
    block = main_help.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    found = []
    for line in block.splitlines():
        m = re.match(r"^  (\S+)\s{2,}(.*)$", line)
        if m:
            found.append((m.group(1), m.group(2)))
        elif found and line.strip():
            found[-1] = (found[-1][0], found[-1][1] + " " + line.strip())
    return [c for c in found if c[0] != "help"]


OPTION = re.compile(r"^  {1,6}(-\S.*?)(?:\s{2,}(\S.*))?$")


def body(text):
    """The help of one command, from after its usage line, as roff."""
    out = []
    para = []

    def flush():
        if para:
            out.append(".PP")
            out.append(roff(" ".join(para)))
            para.clear()

    for line in text.splitlines()[1:]:
        m = OPTION.match(line)
        if not line.strip():
            flush()
        elif re.match(r"^[A-Z][^:]*:$", line):
            flush()
            out.append(".SS " + roff(line[:-1]))
        elif m:
            flush()
            out.append(".TP")
            out.append("\\fB" + roff(m.group(1)) + "\\fR")
            if m.group(2):
                out.append(roff(m.group(2)))
        elif line.startswith("      ") and out and not para:
            out.append(roff(line.strip()))  # an option's description on its next line
        else:
            para.append(line.strip())
    flush()
    return out


def main():
    binary, version, url, dest = sys.argv[1:5]
    main_help = help_text(binary, "--help")
    lines = [
        f'.TH MIGRATE\\-GATE 1 "" "migrate-gate {roff(version)}" "User Commands"',
        ".SH NAME",
        "migrate\\-gate \\- " + roff(main_help.splitlines()[2].rstrip(".")),
        ".SH SYNOPSIS",
        ".B migrate\\-gate",
        "[\\fB\\-\\-version\\fR] [\\fB\\-\\-help\\fR] \\fICOMMAND\\fR [\\fIoptions\\fR]",
        ".SH COMMANDS",
    ]
    cmds = commands(main_help)
    for name, summary in cmds:
        lines += [".TP", "\\fB" + roff(name) + "\\fR", roff(summary)]
    for name, _ in cmds:
        text = help_text(binary, "help", name)
        lines += [".SH " + roff(name.upper()), ".nf", roff(text.splitlines()[0].removeprefix("usage: ")), ".fi"]
        lines += body(text)
    tail = main_help.split("\n\n")[-1].strip()
    lines += [".SH EXIT STATUS", roff(" ".join(tail.split())), ".SH SEE ALSO", roff(url)]
    data = ("\n".join(lines) + "\n").encode()
    with open(dest, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz:
            gz.write(data)


if __name__ == "__main__":
    main()
