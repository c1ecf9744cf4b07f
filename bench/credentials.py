"""check-credentials side by side with detect-secrets-hook (and git-secrets, if installed).

Everything runs in one process on this machine, on the same files, so the ratios
hold even when the absolute times do not. The files are real Python source: the
standard library of the interpreter running this script.

    python bench/credentials.py [--quick]

--quick skips the 3,000-file case (detect-secrets-hook alone takes minutes there).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchenv import BIN
from benchenv import ENV


def sh(*cmd: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, check=check)


def timed(cmd: Sequence[str], cwd: Path, repeat: int = 1) -> float:
    best = float('inf')
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def stdlib_files(limit: int, max_bytes: int = 400_000) -> list[Path]:
    root = Path(sysconfig.get_paths()['stdlib'])
    files = []
    for p in sorted(root.rglob('*.py')):
        if 'site-packages' in p.parts or not p.is_file():
            continue
        if p.stat().st_size <= max_bytes:
            files.append(p)
        if len(files) >= limit:
            break
    return files


def make_repo(base: Path, name: str, files: Sequence[Path], stage: bool = True) -> Path:
    repo = base / name
    repo.mkdir()
    sh('git', 'init', '-q', cwd=repo)
    sh('git', 'config', 'core.hooksPath', '/dev/null', cwd=repo)
    root = Path(sysconfig.get_paths()['stdlib'])
    for f in files:
        target = repo / f.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
    sh('git', 'commit', '-q', '--allow-empty', '-m', 'root', cwd=repo)
    if stage:
        sh('git', 'add', '-A', cwd=repo)
    return repo


def staged_names(repo: Path) -> list[str]:
    out = sh('git', 'diff', '--cached', '--name-only', '-z', cwd=repo).stdout
    return [os.fsdecode(n) for n in out.split(b'\0') if n]


def compare(label: str, repo: Path, names: list[str], rows: list[list[str]]) -> None:
    ours = timed((str(BIN / 'check-credentials'), *names), repo, repeat=3 if len(names) < 50 else 1)
    ds = timed((str(BIN / 'detect-secrets-hook'), *names), repo, repeat=3 if len(names) < 50 else 1)
    row = [label, f'{ours:.2f} s', f'{ds:.2f} s', f'{ours / ds:.3f}']
    if shutil.which('git-secrets'):
        gs = timed(('git', 'secrets', '--scan', *names), repo, repeat=3)
        row.append(f'{gs:.2f} s')
    else:
        row.append('not installed')
    rows.append(row)


def bench_range(base: Path, rows: list[list[str]]) -> None:
    files = stdlib_files(400)
    repo = make_repo(base, 'range', [], stage=False)
    root = Path(sysconfig.get_paths()['stdlib'])
    # 200 commits of 2 files each, real source text.
    for i in range(200):
        for f in files[2 * i : 2 * i + 2]:
            target = repo / f.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
        sh('git', 'add', '-A', cwd=repo)
        sh('git', 'commit', '-q', '--allow-empty', '-m', f'commit {i}', cwd=repo)
    cmd = (str(BIN / 'check-credentials'), '--from', 'HEAD~200', '--to', 'HEAD')
    shutil.rmtree(repo / '.git' / 'commit-warden', ignore_errors=True)
    cold = timed(cmd, repo)
    warm = timed(cmd, repo, repeat=3)
    rows.append(
        [
            '200-commit range (400 files)',
            f'cold {cold:.2f} s',
            f'warm {warm:.2f} s',
            f'{warm / cold:.3f}',
            '-',
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--quick', action='store_true', help='skip the 3,000-file case')
    args = parser.parse_args(argv)
    if not (BIN / 'detect-secrets-hook').exists():
        print('detect-secrets-hook is not installed beside this Python', file=sys.stderr)
        return 2
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        small_files = stdlib_files(400)[100:110]
        repo = make_repo(base, 'small', small_files)
        names = staged_names(repo)
        size = sum((repo / n).stat().st_size for n in names)
        compare(f'{len(names)}-file commit ({size // 1000} KB)', repo, names, rows)
        if not args.quick:
            big = make_repo(base, 'big', stdlib_files(3000))
            names = staged_names(big)
            size = sum((big / n).stat().st_size for n in names)
            compare(f'{len(names)}-file commit ({size // 1_000_000} MB)', big, names, rows)
        bench_range(base, rows)
    print('| work | check-credentials | detect-secrets-hook | ratio | git-secrets --scan |')
    print('|---|---|---|---|---|')
    for row in rows:
        print('| ' + ' | '.join(row) + ' |')
    print(
        f'\n{os.cpu_count()} cores; ratio = check-credentials / detect-secrets-hook '
        '(range: warm / cold)'
    )
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
