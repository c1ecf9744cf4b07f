"""Findings on code nobody wrote for us: CPython's standard library.

    python bench/noise.py [ROOT]

Scans every text file under ROOT (default: this interpreter's Lib/) with the
engine, leaving out site-packages, bytecode and the test suite's key and
certificate fixtures (private keys on purpose), and lists each finding as
path:line rule (never the value). A clean library should give a handful at most.
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The test suite's deliberate keys and certificates.
FIXTURE_SUFFIXES = ('.pem', '.key', '.crt', '.der', '.p12', '.pfx', '.csr')
FIXTURE_DIRS = ('certdata', 'capath', 'keycert')


def fixture(path: Path) -> bool:
    parts = set(path.parts)
    return (
        path.suffix in FIXTURE_SUFFIXES
        or any(d in parts for d in FIXTURE_DIRS)
        or ('test' in parts and 'keycert' in path.name)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('root', nargs='?', default=sysconfig.get_paths()['stdlib'])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from hooks.scan import Scanner

    root = Path(args.root)
    scanner = Scanner()
    files = size = 0
    findings: list[str] = []
    rules: Counter[str] = Counter()
    started = time.perf_counter()
    for path in sorted(root.rglob('*')):
        if (
            not path.is_file()
            or 'site-packages' in path.parts
            or '__pycache__' in path.parts
            or fixture(path)
        ):
            continue
        data = path.read_bytes()
        if b'\0' in data[:8000]:
            continue  # binary
        text = data.decode('utf-8', 'replace')
        files += 1
        size += len(data)
        rel = path.relative_to(root).as_posix()
        for d in scanner.scan_text(rel, text):
            findings.append(f'{rel}:{d.line} {d.rule}')
            rules[d.rule] += 1
    elapsed = time.perf_counter() - started
    print(
        f'{root}: {files} files, {size / 1e6:.1f} MB in {elapsed:.1f} s; '
        f'{len(findings)} findings; {len(scanner.public_matches)} known public values passed'
    )
    for line in findings:
        print('  ' + line)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
