"""Start-up of every hook, beside the interpreter and detect-secrets.

Times, best of N in one run (the commands taking turns), a fresh interpreter doing
each of: nothing; `import detect_secrets` (what every hook would pay if it loaded
the credential engine eagerly); the standard library every hook needs (argparse,
subprocess, re, pathlib, typing, enum: the floor under which no hook written this
way can start); `import hooks.<hook>` (the module a console script names); every
module a hook's pre-commit stage imports before its first git call; and the
console script itself with `--help` (argument parsing, no repository). The design
target is 45 ms for the imports, interpreter included.

    python bench/startup.py [-n 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence

# Byte-compiled modules are what users run: measure with the .pyc files written.
ENV = {k: v for k, v in os.environ.items() if k != 'PYTHONDONTWRITEBYTECODE'}

# What each hook's pre-commit (or commit-msg) stage imports before it runs git.
STAGE = {
    'credentials': 'hooks.credentials.check',
    'signatures': 'hooks.signatures.setup_check, hooks.signatures.trust',
    'hotfixes': 'hooks.hotfixes.detect',
}
RUN = 'import hooks.runner, hooks.config, hooks.git, hooks.report, '
# What any hook needs from the standard library: the part of the start-up that is not ours.
FLOOR = 'import argparse, subprocess, re, pathlib, typing, enum'


def best_of(cmds: Sequence[Sequence[str]], n: int) -> list[float]:
    """The best of n wall times of each command, in ms. The commands take turns, so
    a slow moment of a shared machine falls on all of them alike."""
    for cmd in cmds:
        subprocess.run(cmd, env=ENV, check=True, capture_output=True)  # warm the .pyc
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(n):
        for cmd, own in zip(cmds, times, strict=True):
            start = time.perf_counter()
            subprocess.run(cmd, env=ENV, check=True, capture_output=True)
            own.append(time.perf_counter() - start)
    return [min(own) * 1000 for own in times]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('-n', type=int, default=15)
    args = parser.parse_args(argv)
    py = sys.executable
    rows: list[tuple[str, Sequence[str]]] = [
        ('python, nothing imported', (py, '-c', 'pass')),
        ('`import detect_secrets`', (py, '-c', 'import detect_secrets')),
        (f'the standard library floor: `{FLOOR}`', (py, '-c', FLOOR)),
    ]
    for hook, stage in STAGE.items():
        rows.append((f'check-{hook}: `import hooks.{hook}`', (py, '-c', f'import hooks.{hook}')))
        rows.append((f'check-{hook}: all its pre-commit stage imports', (py, '-c', RUN + stage)))
        script = shutil.which(f'check-{hook}', path=os.path.dirname(py))
        if script:
            rows.append((f'check-{hook}: console script, `--help`', (script, '--help')))
    times = best_of([cmd for _, cmd in rows], args.n)
    ds = times[1]
    print('| start-up (fresh interpreter) | ms | ratio to `import detect_secrets` |')
    print('|---|---|---|')
    for (what, _), t in zip(rows, times, strict=True):
        print(f'| {what} | {t:.0f} | {t / ds:.2f} |')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
