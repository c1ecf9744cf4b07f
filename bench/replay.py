"""Replay a real repository's history through the hooks, as its pull requests would be.

Every sampled merge M is judged as the pull request it merged: `check-credentials
--from M^1 --to M`, `check-hotfixes --from M^1 --to M` and `commit-warden ci --base
M^1 --head M` (in-process, through their `main`, with JSON reports). The longest
first-parent stretch without merges (up to --linear commits) is judged the same way
as one push. Octopus merges are always included.

Prints, per tool: runs, exit codes, errors by kind (exit 2 and 3: each one is a
history shape the hooks do not handle, and should become a test), findings by rule,
findings per 100 commits and milliseconds per commit. The repository is cloned to a
temp dir (`--no-checkout`; objects are hard-linked), so the source is never written.

Usage: python bench/replay.py REPO [--merges 300] [--linear 500] [--extra REV]...
       [--tools LIST] [--warm] [--keep DIR] [--json PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hooks import ci
from hooks import credentials
from hooks import hotfixes

Main = Callable[[Sequence[str]], int]
TOOLS: dict[str, tuple[Main, Callable[[str, str], list[str]]]] = {
    'check-credentials': (credentials.main, lambda a, b: ['--from', a, '--to', b]),
    'check-hotfixes': (hotfixes.main, lambda a, b: ['--from', a, '--to', b]),
    'commit-warden ci': (ci.main, lambda a, b: ['--base', a, '--head', b]),
}


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(('git', *args), cwd=repo, capture_output=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f'git {" ".join(args)} failed: {proc.stderr.decode()}')
    return proc.stdout.decode('utf-8', 'replace')


@dataclass
class Tally:
    runs: int = 0
    commits: int = 0
    seconds: float = 0.0
    codes: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    label: str  # what is judged, for error reports
    base: str
    head: str
    commits: int


def pick_runs(repo: Path, merges: int, linear: int, extra: Sequence[str] = ()) -> list[Run]:
    """Evenly spaced merges (all of them if there are fewer), every octopus merge,
    the merges named by `extra`, and the longest first-parent stretch without merges."""
    all_merges = git(repo, 'rev-list', '--merges', '--topo-order', 'HEAD').split()
    octopus = set(git(repo, 'rev-list', '--min-parents=3', 'HEAD').split())
    step = max(1, len(all_merges) / merges) if merges else 1
    chosen = {
        all_merges[int(i * step)] for i in range(min(merges or len(all_merges), len(all_merges)))
    }
    chosen |= octopus
    chosen |= {git(repo, 'rev-parse', '--verify', f'{r}^{{commit}}').strip() for r in extra}
    runs = []
    ordered = [m for m in all_merges if m in chosen]
    counts = count_commits(repo, [(f'{m}^1', m) for m in ordered])
    for m, n in zip(ordered, counts, strict=True):
        kind = 'octopus' if m in octopus else 'merge'
        runs.append(Run(f'{kind} {m[:12]}', f'{m}^1', m, n))
    if linear:
        start, end, n = longest_linear(repo, linear)
        if n:
            runs.append(Run(f'linear {start[:12]}..{end[:12]}', start, end, n))
    return runs


def count_commits(repo: Path, ranges: Sequence[tuple[str, str]]) -> list[int]:
    return [int(git(repo, 'rev-list', '--count', f'{a}..{b}').strip()) for a, b in ranges]


def longest_linear(repo: Path, cap: int) -> tuple[str, str, int]:
    """(base, head, n): the longest run of first-parent commits with one parent each."""
    best: tuple[int, int] = (0, 0)
    rows = [
        line.split()
        for line in git(repo, 'rev-list', '--first-parent', '--parents', 'HEAD').splitlines()
    ]
    run_start = None
    for i, row in enumerate([*rows, ['end', 'a', 'b']]):
        single = len(row) == 2
        if single and run_start is None:
            run_start = i
        if not single and run_start is not None:
            if i - run_start > best[1] - best[0]:
                best = (run_start, i)
            run_start = None
    lo, hi = best
    if hi - lo == 0:
        return '', '', 0
    hi = min(hi, lo + cap)
    head, base = rows[lo][0], rows[hi - 1][1]  # newest first: rows[lo] is the tip
    return base, head, hi - lo


def error_kind(text: str) -> str:
    """A message with its ids and numbers taken out, so that errors group by kind."""
    line = next(
        (x for x in text.splitlines() if ': error: ' in x or 'internal error' in x),
        text.strip().splitlines()[-1] if text.strip() else '(no message)',
    )
    line = re.sub(r'\b[0-9a-f]{7,64}\b', '<sha>', line)
    line = re.sub(r'\d+', 'N', line)
    return line[:160]


def judge(repo: Path, tool: str, run: Run, tally: Tally, warm: bool) -> None:
    main, argv = TOOLS[tool]
    if not warm:
        shutil.rmtree(repo / '.git' / 'commit-warden', ignore_errors=True)
    out, err = io.StringIO(), io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*argv(run.base, run.head), '--format', 'json'])
    tally.seconds += time.perf_counter() - t
    tally.runs += 1
    tally.commits += run.commits
    tally.codes[code] += 1
    if code in (0, 1):
        for f in json.loads(out.getvalue() or '{"findings": []}')['findings']:
            tally.rules[f'{f["hook"]}:{f["rule"]}'] += 1
    else:
        kind = error_kind(err.getvalue() + out.getvalue())
        tally.errors[f'exit {code}: {kind}'] += 1
        tally.examples.setdefault(f'exit {code}: {kind}', run.label)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('repo', help='a repository (bare or not) to replay')
    parser.add_argument(
        '--merges',
        type=int,
        default=300,
        help='merges to judge, evenly spaced (0: all; default %(default)s)',
    )
    parser.add_argument(
        '--linear',
        type=int,
        default=500,
        help='cap on the linear stretch judged as one push (0: none)',
    )
    parser.add_argument(
        '--tools', default=','.join(TOOLS), help='comma-separated subset of: ' + ', '.join(TOOLS)
    )
    parser.add_argument(
        '--warm', action='store_true', help='keep the caches between runs (default: every run cold)'
    )
    parser.add_argument(
        '--extra',
        action='append',
        default=[],
        metavar='REV',
        help='also judge this merge (repeatable)',
    )
    parser.add_argument('--keep', metavar='DIR', help='clone here and keep it')
    parser.add_argument('--json', metavar='PATH', help='also write the figures as JSON')
    args = parser.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(',') if t.strip()]
    for t in tools:
        if t not in TOOLS:
            parser.error(f'unknown tool {t!r}')

    tmp = None if args.keep else tempfile.mkdtemp(prefix='cw-replay-')
    where = Path(args.keep or tmp or '') / 'repo'
    # The hooks must see only this clone: no GIT_* from a surrounding hook run.
    for var in [v for v in os.environ if v.startswith(('GIT_', 'PRE_COMMIT_'))]:
        del os.environ[var]
    os.environ['GIT_CONFIG_NOSYSTEM'] = '1'
    try:
        if not where.exists():
            subprocess.run(
                ('git', 'clone', '-q', '--no-checkout', os.path.abspath(args.repo), str(where)),
                check=True,
            )
        runs = pick_runs(where, args.merges, args.linear, args.extra)
        name = Path(os.path.abspath(args.repo)).name
        if name in ('repo', '.git'):
            name = Path(os.path.abspath(args.repo)).parent.name
        print(
            f'## {name}: {len(runs)} runs, {sum(r.commits for r in runs):,} commits '
            f'({sum(1 for r in runs if r.label.startswith("octopus"))} octopus, '
            f'linear stretch {next((r.commits for r in runs if r.label.startswith("linear")), 0)}'
            ' commits)\n',
            flush=True,
        )
        cwd = os.getcwd()
        os.chdir(where)
        tallies = {t: Tally() for t in tools}
        try:
            for i, run in enumerate(runs, 1):
                for tool in tools:
                    judge(where, tool, run, tallies[tool], args.warm)
                if i % 25 == 0:
                    print(f'  {i}/{len(runs)} runs', file=sys.stderr, flush=True)
        finally:
            os.chdir(cwd)
        report(tallies)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        'repo': name,
                        'runs': len(runs),
                        'tools': {
                            t: {
                                'runs': x.runs,
                                'commits': x.commits,
                                'seconds': x.seconds,
                                'codes': dict(x.codes),
                                'errors': dict(x.errors),
                                'rules': dict(x.rules),
                            }
                            for t, x in tallies.items()
                        },
                    },
                    indent=1,
                )
            )
        return 1 if any(x.codes[2] or x.codes[3] for x in tallies.values()) else 0
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def report(tallies: dict[str, Tally]) -> None:
    print(
        '| tool | runs | commits | exit 0 / 1 / 2 / 3 | findings per 100 commits | ms per commit |'
    )
    print('|---|---:|---:|---|---:|---:|')
    for tool, x in tallies.items():
        findings = sum(x.rules.values())
        per100 = 100 * findings / x.commits if x.commits else 0.0
        ms = 1000 * x.seconds / x.commits if x.commits else 0.0
        codes = ' / '.join(str(x.codes[c]) for c in (0, 1, 2, 3))
        print(f'| {tool} | {x.runs} | {x.commits:,} | {codes} | {per100:.2f} | {ms:.1f} |')
    for tool, x in tallies.items():
        if x.rules:
            print(
                f'\n{tool} findings by rule: '
                + ', '.join(f'{r} {n}' for r, n in x.rules.most_common())
            )
        for kind, n in x.errors.most_common():
            print(f'\n{tool} ERROR x{n} ({x.examples[kind]}): {kind}')


if __name__ == '__main__':
    raise SystemExit(main())
