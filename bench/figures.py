"""The `make bench` table: each measurement adds its figures, bench/run.py prints them.

A measurement (any program bench/run.py starts) records a figure with
    figures.record(figure, value, command)                         from Python
    printf '%s\\t%s\\t%s\\n' FIGURE VALUE COMMAND >>"$PBXGUARD_BENCH_FIGURES"   from a shell
where COMMAND is what produced the value, so that anyone can run it again. Without
PBXGUARD_BENCH_FIGURES (a measurement run on its own) nothing is recorded.
"""

import os

ENV = "PBXGUARD_BENCH_FIGURES"


def record(figure, value, command):
    path = os.environ.get(ENV)
    if not path:
        return
    clean = [str(field).replace("\t", " ").replace("\n", " ") for field in (figure, value, command)]
    with open(path, "a", encoding="utf-8") as out:
        out.write("\t".join(clean) + "\n")


def read(path):
    with open(path, encoding="utf-8") as rows:
        return [line.rstrip("\n").split("\t") for line in rows if line.strip()]


def table(rows, headers):
    """rows as a plain-text table, columns as wide as their widest cell."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*headers), line.format(*("-" * w for w in widths))]
    out += [line.format(*row) for row in rows]
    return "\n".join(text.rstrip() for text in out)
