"""What a line that reaches a detector costs over a clean line, through the real hook.

    python bench/hotpath.py [--runs N]

Three one-line commits in throw-away repositories, each checked by
`check-credentials` (a new process, interpreter included, as pre-commit runs
it): a clean line, a line that reaches the detectors without holding a secret
(`password = os.environ["DB_PASSWORD"]`), and one that reaches them and holds
one. Runs alternate so load on the machine falls on all three alike; the median
of each is reported, with the difference to the clean line (target: at most
30 ms) and whether detect_secrets or requests was imported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchenv import BIN
from benchenv import ENV

CASES = {
    'clean line': 'timeout = settings.get("timeout", 30)\n',
    'reaches a detector, no secret': 'password = os.environ["DB_PASSWORD"]\n',
    'reaches a detector, a finding': 'password = "Vq7#kL2pXz9wQm"\n',  # pragma: allowlist secret
}

# The engine's own time for the line, in a fresh process (imports and regex
# compiles included, interpreter start-up excluded): far less noisy than the
# whole hook on a busy machine.
ENGINE = (
    'import sys, time\n'
    't = time.perf_counter()\n'
    'from hooks.scan import Scanner, Line\n'
    'Scanner().scan("app.py", [Line(1, sys.argv[1], True)])\n'
    'print(time.perf_counter() - t)\n'
)

PROBE = (
    'import sys, runpy\n'
    'sys.argv = ["check-credentials", "app.py"]\n'
    'try:\n'
    '    runpy.run_module("hooks.credentials", run_name="__main__")\n'
    'except SystemExit:\n'
    '    pass\n'
    'print("IMPORTED", "detect_secrets" in sys.modules, "requests" in sys.modules,'
    ' file=sys.stderr)\n'
)


def make_repo(base: Path, name: str, line: str) -> Path:
    repo = base / name
    repo.mkdir()
    run = {'cwd': repo, 'env': ENV, 'check': True, 'capture_output': True}
    subprocess.run(['git', 'init', '-q'], **run)  # type: ignore[call-overload]
    subprocess.run(['git', 'commit', '-q', '--allow-empty', '-m', 'root'], **run)  # type: ignore[call-overload]
    (repo / 'app.py').write_text(line)
    subprocess.run(['git', 'add', 'app.py'], **run)  # type: ignore[call-overload]
    return repo


def timed(repo: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / 'check-credentials'), 'app.py'],
        cwd=repo,
        env=ENV,
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start


def engine(repo: Path, line: str) -> float:
    out = subprocess.run(
        [sys.executable, '-c', ENGINE, line.rstrip('\n')],
        cwd=repo,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip())


def imports(repo: Path) -> str:
    out = subprocess.run(
        [sys.executable, '-c', PROBE],
        cwd=repo,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    ).stderr
    line = next((x for x in out.splitlines() if x.startswith('IMPORTED')), 'IMPORTED ? ?')
    _, ds, rq = line.split()
    return f'detect_secrets: {ds == "True"}, requests: {rq == "True"}'


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--runs', type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        repos = {
            name: make_repo(Path(tmp), f'r{i}', line)
            for i, (name, line) in enumerate(CASES.items())
        }
        for repo in repos.values():
            timed(repo)  # warm the page cache and compiled bytecode
        times: dict[str, list[float]] = {name: [] for name in repos}
        engine_times: dict[str, list[float]] = {name: [] for name in repos}
        for _ in range(args.runs):
            for name, repo in repos.items():
                times[name].append(timed(repo))
                engine_times[name].append(engine(repo, CASES[name]))
        clean = statistics.median(times['clean line'])
        clean_engine = statistics.median(engine_times['clean line'])
        print(
            '| staged line | check-credentials (median) | over the clean line '
            '| engine alone | over the clean line | imported |'
        )
        print('|---|---|---|---|---|---|')
        for name, repo in repos.items():
            median = statistics.median(times[name])
            eng = statistics.median(engine_times[name])
            print(
                f'| {name} | {median * 1000:.0f} ms | {(median - clean) * 1000:+.0f} ms '
                f'| {eng * 1000:.1f} ms | {(eng - clean_engine) * 1000:+.1f} ms '
                f'| {imports(repo)} |'
            )
    print(f'\n{args.runs} runs each, alternating; {os.cpu_count()} cores')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
