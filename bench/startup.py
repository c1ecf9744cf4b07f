"""Start-up of the hooks that must never wait on detect-secrets.

Times, best of N in one run, a fresh interpreter importing each hook module, next
to one importing detect_secrets (what every hook would pay if it loaded the
credential engine eagerly) and one importing nothing.

    python bench/startup.py [-n 15]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence

ENV = {k: v for k, v in os.environ.items() if k != 'PYTHONDONTWRITEBYTECODE'}


def best(code: str, n: int) -> float:
    subprocess.run((sys.executable, '-c', code), env=ENV, check=True)  # warm the .pyc
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run((sys.executable, '-c', code), env=ENV, check=True)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('-n', type=int, default=15)
    args = parser.parse_args(argv)
    bare = best('pass', args.n)
    ds = best('import detect_secrets', args.n)
    print('| start-up (fresh interpreter) | ms | ratio to `import detect_secrets` |')
    print('|---|---|---|')
    print(f'| python, nothing imported | {bare:.0f} | {bare / ds:.2f} |')
    print(f'| `import detect_secrets` | {ds:.0f} | 1.00 |')
    for hook in ('signatures', 'hotfixes', 'credentials'):
        t = best(f'import hooks.{hook}', args.n)
        print(f'| check-{hook} (`import hooks.{hook}`) | {t:.0f} | {t / ds:.2f} |')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
