"""`commit-warden scan` side by side with what a user would run instead, in one run.

History: real projects' full histories (every ref), each against `git log -p --all`
alone (the floor: git writing every patch once; the target is at most 5 times it)
and git-secrets `--scan-history` (AWS patterns only), where git-secrets is installed.
Tree: CPython's standard library as one commit, against `detect-secrets scan` and
CredSweeper, where installed.

    python bench/scan.py [--repos DIR ...] [--tree-only | --history-only]
                         [--credsweeper PATH] [--detect-secrets PATH]

Without --repos it clones the fetched mirrors of flask, requests and pre-commit
(/work/.mirror/<owner>+<name>/repo) into a temp dir. Commits per second and MB per
second count the commits `git rev-list --all` lists and the bytes `git log -p
--all` writes.
"""

from __future__ import annotations

import argparse
import os
import re
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

MIRRORS = Path('/work/.mirror')
PROJECTS = ('pallets+flask', 'psf+requests', 'pre-commit+pre-commit')


def run(cmd: Sequence[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, check=False)
    return time.perf_counter() - start, proc


def found(proc: subprocess.CompletedProcess[bytes]) -> str:
    m = re.search(rb'commit-warden scan: (\d+) secrets? in (\d+) places?', proc.stdout)
    return f'{m.group(1).decode()} secrets, {m.group(2).decode()} places' if m else '?'


def history(repos: Sequence[Path], rows: list[list[str]]) -> None:
    git_secrets = shutil.which('git-secrets')
    for repo in repos:
        commits = len(
            subprocess.run(
                ('git', 'rev-list', '--all'), cwd=repo, env=ENV, capture_output=True, check=True
            ).stdout.split()
        )
        t_log, log = run(('git', 'log', '-p', '--all'), repo)
        mb = len(log.stdout) / 1e6
        t_scan, scan = run(
            (str(BIN / 'commit-warden'), 'scan', '--history', '--all', '--no-cache'), repo
        )
        if scan.returncode not in (0, 1):
            print(scan.stderr.decode(errors='replace'), file=sys.stderr)
        rows.append(
            [
                f'{repo.name}: {commits:,} commits, {mb:.1f} MB of patches',
                'git log -p --all',
                f'{t_log:.2f} s',
                '1.00',
                '',
            ]
        )
        rows.append(
            [
                '',
                'commit-warden scan --history --all',
                f'{t_scan:.2f} s',
                f'{t_scan / t_log:.2f}',
                f'{commits / t_scan:,.0f} commits/s, {mb / t_scan:.1f} MB/s; '
                f'exit {scan.returncode}, {found(scan)}',
            ]
        )
        if git_secrets:
            subprocess.run(
                ('git', 'secrets', '--register-aws'),
                cwd=repo,
                env=ENV,
                capture_output=True,
                check=False,
            )
            t_gs, gs = run(('git', 'secrets', '--scan-history'), repo)
            hits = gs.stdout.count(b'\n') + gs.stderr.count(b'[ERROR]')
            rows.append(
                [
                    '',
                    'git secrets --scan-history (AWS only)',
                    f'{t_gs:.2f} s',
                    f'{t_gs / t_log:.2f}',
                    f'exit {gs.returncode}, {hits} output lines',
                ]
            )
        else:
            rows.append(['', 'git-secrets', 'not installed', '', ''])


def tree(
    base: Path, rows: list[list[str]], detect_secrets: str | None, credsweeper: str | None
) -> None:
    lib = Path(sysconfig.get_paths()['stdlib'])
    repo = base / 'Lib'
    shutil.copytree(lib, repo, ignore=shutil.ignore_patterns('site-packages', '__pycache__'))
    for cmd in (
        ('git', 'init', '-q'),
        ('git', 'add', '-A'),
        ('git', 'commit', '-q', '--no-verify', '-m', 'Lib'),
    ):
        subprocess.run(cmd, cwd=repo, env=ENV, capture_output=True, check=True)
    files = subprocess.run(
        ('git', 'ls-files', '-z'), cwd=repo, env=ENV, capture_output=True, check=True
    ).stdout.count(b'\0')
    mb = (
        sum(p.stat().st_size for p in repo.rglob('*') if p.is_file() and '.git' not in p.parts)
        / 1e6
    )
    label = f'CPython {lib.name} Lib/: {files:,} files, {mb:.0f} MB'
    t_cw, cw = run((str(BIN / 'commit-warden'), 'scan', '--tree'), repo)
    rows.append(
        [
            label,
            'commit-warden scan --tree',
            f'{t_cw:.1f} s',
            '1.00',
            f'{files / t_cw:,.0f} files/s, {mb / t_cw:.1f} MB/s; {found(cw)}',
        ]
    )
    ds = detect_secrets or shutil.which('detect-secrets')
    if ds:
        t_ds, proc = run((ds, 'scan'), repo)
        n = proc.stdout.count(b'"hashed_secret"')
        rows.append(
            [
                '',
                'detect-secrets scan',
                f'{t_ds:.1f} s',
                f'{t_ds / t_cw:.2f}',
                f'exit {proc.returncode}, {n} results',
            ]
        )
    else:
        rows.append(['', 'detect-secrets', 'not installed', '', ''])
    if credsweeper and Path(credsweeper).exists():
        out = base / 'credsweeper.json'
        t_cs, proc = run((credsweeper, '--path', '.', '--save-json', str(out)), repo)
        n = len(__import__('json').loads(out.read_text())) if out.exists() else '?'
        rows.append(
            [
                '',
                'credsweeper --path .',
                f'{t_cs:.1f} s',
                f'{t_cs / t_cw:.2f}',
                f'exit {proc.returncode}, {n} results',
            ]
        )
    else:
        rows.append(['', 'CredSweeper', 'not installed (pass --credsweeper PATH)', '', ''])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument(
        '--repos',
        nargs='+',
        type=Path,
        metavar='DIR',
        help='work trees with full histories (default: clone the mirrors)',
    )
    parser.add_argument('--tree-only', action='store_true')
    parser.add_argument('--history-only', action='store_true')
    parser.add_argument('--detect-secrets', metavar='PATH')
    parser.add_argument(
        '--credsweeper', metavar='PATH', default='/tmp/credsweeper-venv/bin/credsweeper'
    )
    args = parser.parse_args(argv)
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix='cw-bench-scan-') as tmp:
        base = Path(tmp)
        if not args.tree_only:
            repos = args.repos or []
            if not repos:
                for name in PROJECTS:
                    src = MIRRORS / name / 'repo'
                    if src.exists():
                        dest = base / name.split('+', 1)[1]
                        subprocess.run(
                            ('git', 'clone', '-q', '--no-local', str(src), str(dest)),
                            env=ENV,
                            check=True,
                        )
                        repos.append(dest)
            history(repos, rows)
        if not args.history_only:
            tree(base, rows, args.detect_secrets, args.credsweeper)
    print(
        f'machine: {os.cpu_count()} cores; one run, the same files for every tool; ratio: '
        'history rows to `git log -p --all`, tree rows to commit-warden\n'
    )
    print('| case | tool | time | ratio | notes |')
    print('|---|---|---|---|---|')
    for row in rows:
        print('| ' + ' | '.join(row) + ' |')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
