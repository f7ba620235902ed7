#!/usr/bin/env python3
"""Runs every code block of README.md as written, from the repository root.

- ``python`` blocks run with the project's virtual environment (``.venv``,
  where ``scripts/python-tests.sh`` installs the wheel), each in a fresh
  interpreter;
- ``sh`` blocks run with bash (``-e -o pipefail``), with the ``crmkit``
  command built from this checkout first on ``PATH``;
- ``c`` blocks are compiled with warnings as errors against
  ``include/crmkit.h`` and the static library, then run; a block without
  ``main`` becomes the body of one;
- ``php`` blocks run with the PHP command line (FFI), after the release
  build of libcrmkit; skipped with a message where PHP is not installed;
- ``rust`` blocks are doctests of the ``crmkit`` crate (its ``lib.rs``
  includes README.md), so ``cargo test`` runs them, not this script;
- ``text`` blocks are not code.

A block runs in a scratch directory that mirrors the repository root (a
symbolic link per top-level entry), so relative paths resolve as they do for
a reader at the root and files a block writes do not land in the checkout.

An HTML comment on the line just above a fence changes how it runs:
``<!-- readme: skip: REASON -->`` (reported, never silent),
``<!-- readme: compile-only: REASON -->`` (C: compiled to an object file
as written, neither wrapped in ``main`` nor linked nor run),
``<!-- readme: needs MODULE -->`` (Python: skipped with a message when
``MODULE`` cannot be imported, e.g. ``pyspark`` without Java).

Usage: python tests/readme/run.py [--list] [--only LANG] [README]
Exit status: 0 when every block that ran passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```(\S*)\s*$")
MARK = re.compile(r"^<!--\s*readme:\s*(skip|compile-only|needs)\s*:?\s*(.*?)\s*-->\s*$")
TIMEOUT_S = 900


@dataclass
class Block:
    line: int  # 1-based line of the opening fence
    lang: str
    code: str
    marks: dict[str, str] = field(default_factory=dict)


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with the marks just above them."""
    out: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise SystemExit(f"README.md:{start + 1}: code block never closed")
        marks: dict[str, str] = {}
        j = start - 1
        while j >= 0 and (mm := MARK.match(lines[j])):
            marks[mm.group(1)] = mm.group(2)
            j -= 1
        out.append(Block(start + 1, m.group(1) or "text", "\n".join(body) + "\n", marks))
        i += 1
    return out


def mirror(into: Path) -> None:
    for entry in ROOT.iterdir():
        if entry.name == ".git":
            continue
        (into / entry.name).symlink_to(entry)


def crmkit_bin_dir() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "--quiet", "-p", "crmkit-cli"], cwd=ROOT, check=True)
    return target.resolve() / "debug"


def c_library() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "-p", "crmkit-ffi"], cwd=ROOT, check=True
    )
    return target.resolve() / "release" / "libcrmkit.a"


def c_program(code: str) -> str:
    if re.search(r"\bmain\s*\(", code):
        return code
    includes = ["#include <stdint.h>", "#include <stdio.h>", "#include <stdlib.h>"]
    body = []
    for line in code.splitlines():
        (includes if line.startswith("#include") else body).append(line)
    inner = "\n".join("    " + line if line else "" for line in body)
    return "\n".join(includes) + "\n\nint main(void) {\n" + inner + "\n    return 0;\n}\n"


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[bool, str]:
    try:
        p = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT_S} s"
    return p.returncode == 0, (p.stdout + p.stderr) + f"\n(exit status {p.returncode})"


def python_has(python: str, module: str) -> bool:
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("readme", nargs="?", default=str(ROOT / "README.md"))
    ap.add_argument("--list", action="store_true", help="list the blocks and how each runs")
    ap.add_argument("--only", help="run only blocks of this language (python, sh, c, php)")
    args = ap.parse_args()

    readme = Path(args.readme)
    all_blocks = blocks(readme.read_text(encoding="utf-8"))
    python = str(ROOT / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    env = dict(os.environ)
    failed = ran = skipped = 0
    bin_dir: Path | None = None
    lib: Path | None = None

    for b in all_blocks:
        where = f"{readme.name}:{b.line} ({b.lang})"
        if args.only and b.lang != args.only:
            continue
        if b.lang == "text":
            continue
        if b.lang == "rust":
            if args.list:
                print(f"{where}: doctest of the crmkit crate (cargo test)")
            continue
        if "skip" in b.marks:
            skipped += 1
            print(f"SKIP {where}: {b.marks['skip']}")
            continue
        if args.list:
            print(f"{where}: runs" + (f" ({b.marks})" if b.marks else ""))
            continue
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="crmkit-readme-") as tmp:
            scratch = Path(tmp)
            mirror(scratch)
            if b.lang == "python":
                module = b.marks.get("needs")
                if module and not python_has(python, module):
                    skipped += 1
                    print(f"SKIP {where}: {module} is not installed in {python}")
                    continue
                script = scratch / "_block.py"
                script.write_text(b.code, encoding="utf-8")
                ok, out = run([python, str(script)], scratch, env)
            elif b.lang in ("sh", "bash"):
                if bin_dir is None:
                    bin_dir = crmkit_bin_dir()
                script = scratch / "_block.sh"
                script.write_text(b.code, encoding="utf-8")
                block_env = dict(env, PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}")
                ok, out = run(["bash", "-e", "-o", "pipefail", str(script)], scratch, block_env)
            elif b.lang == "php":
                if shutil.which("php") is None:
                    skipped += 1
                    print(f"SKIP {where}: php is not installed (scripts/php-tests.sh installs it)")
                    continue
                if lib is None:
                    lib = c_library()
                script = scratch / "_block.php"
                code = b.code if b.code.lstrip().startswith("<?php") else "<?php\n" + b.code
                script.write_text(code, encoding="utf-8")
                ok, out = run(["php", str(script)], scratch, env)
            elif b.lang == "c":
                if lib is None and "compile-only" not in b.marks:
                    lib = c_library()
                src = scratch / "_block.c"
                cc = [os.environ.get("CC", "cc"), "-std=c11", "-Wall", "-Wextra", "-Werror",
                      f"-I{ROOT / 'include'}"]
                if "compile-only" in b.marks:
                    src.write_text(b.code, encoding="utf-8")
                    ok, out = run(cc + ["-c", str(src), "-o", str(scratch / "_block.o")], scratch)
                else:
                    src.write_text(c_program(b.code), encoding="utf-8")
                    exe = scratch / "_block"
                    ok, out = run(
                        cc + [str(src), "-o", str(exe), str(lib), "-lpthread", "-ldl", "-lm"],
                        scratch,
                    )
                    if ok:
                        ok, out = run([str(exe)], scratch)
            else:
                failed += 1
                print(f"FAIL {where}: no runner for language {b.lang!r}")
                continue
            ran += 1
            took = f"{time.monotonic() - started:.1f} s"
            if ok:
                print(f"ok   {where} {took}")
            else:
                failed += 1
                print(f"FAIL {where} {took}\n--- block\n{b.code}--- output\n{out.strip()}\n---")
    if not args.list:
        print(f"README blocks: {ran - failed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    shutil.which("bash") or sys.exit("bash is needed to run the README's shell blocks")
    sys.exit(main())
