"""Start-up of every hook, beside the interpreter and detect-secrets.

Times, best of N in one run, a fresh interpreter doing each of: nothing;
`import detect_secrets` (what every hook would pay if it loaded the credential
engine eagerly); the standard library every hook needs (argparse, subprocess, re,
pathlib, typing, enum: the floor under which no hook written this way can start);
`import hooks.<hook>` (the module a console script names); every
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


def best(cmd: Sequence[str], n: int) -> float:
    subprocess.run(cmd, env=ENV, check=True, capture_output=True)  # warm the .pyc
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(cmd, env=ENV, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('-n', type=int, default=15)
    args = parser.parse_args(argv)
    py = sys.executable
    bare = best((py, '-c', 'pass'), args.n)
    ds = best((py, '-c', 'import detect_secrets'), args.n)
    floor = best((py, '-c', FLOOR), args.n)
    print('| start-up (fresh interpreter) | ms | ratio to `import detect_secrets` |')
    print('|---|---|---|')
    print(f'| python, nothing imported | {bare:.0f} | {bare / ds:.2f} |')
    print(f'| `import detect_secrets` | {ds:.0f} | 1.00 |')
    print(f'| the standard library floor: `{FLOOR}` | {floor:.0f} | {floor / ds:.2f} |')
    for hook, stage in STAGE.items():
        t = best((py, '-c', f'import hooks.{hook}'), args.n)
        print(f'| check-{hook}: `import hooks.{hook}` | {t:.0f} | {t / ds:.2f} |')
        t = best((py, '-c', RUN + stage), args.n)
        print(f'| check-{hook}: all its pre-commit stage imports | {t:.0f} | {t / ds:.2f} |')
        script = shutil.which(f'check-{hook}', path=os.path.dirname(py))
        if script:
            t = best((script, '--help'), args.n)
            print(f'| check-{hook}: console script, `--help` | {t:.0f} | {t / ds:.2f} |')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
