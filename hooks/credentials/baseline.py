"""The secrets baseline: known, accepted findings in detect-secrets' format, keyed
on (file, hashed secret, type) with no line numbers; `commit-warden baseline`."""
from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hooks import config as cfg
from hooks.credentials.engine import Hit
from hooks.credentials.engine import Salt
from hooks.credentials.engine import scan_options
from hooks.credentials.engine import scan_work
from hooks.credentials.plan import plan_whole
from hooks.errors import FatalError
from hooks.findings import boundary
from hooks.git import Repo
from hooks.state import write_atomic
from hooks.version import version


def load_baseline(data: bytes | None, source: str) -> set[tuple[str, str, str]]:
    """(path, hashed_secret, type) triples accepted as known; detect-secrets' format."""
    if data is None:
        return set()
    try:
        doc = json.loads(data)
        results = doc['results']
        return {(path, e['hashed_secret'], e['type'])
                for path, entries in results.items() for e in entries
                if e.get('is_secret') is not True}
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise FatalError(
            f'{source}: not a secrets baseline (expected JSON with "results": {{path: '
            f'[{{"hashed_secret", "type"}}]}}): {type(e).__name__}; regenerate it with '
            '`commit-warden baseline`') from e


def read_baseline(repo: Repo, config: cfg.Config, policy_ref: str | None) -> bytes | None:
    path = config.credentials.baseline
    if policy_ref is not None:
        return repo.content_at(policy_ref, path)
    try:
        return (repo.root / path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FatalError(f'{path}: cannot read the secrets baseline: {e.strerror}') from e


def write_baseline(repo: Repo, config: cfg.Config, output: str | None = None) -> tuple[Path, int]:
    """Scan every file in the index and record what is found, without line numbers."""
    creds = config.credentials
    target = repo.root / (output or creds.baseline)
    plan = plan_whole(repo, sorted(repo.ls_files()), creds)
    hits = scan_work(scan_options(creds), plan.work, Salt(repo))
    return target, save_baseline(target, hits)


def save_baseline(target: Path, hits: Iterable[Hit], *, keep: bool = False) -> int:
    """Write the baseline at `target` with an entry per (file, hashed secret, type) of
    `hits`; returns how many entries it holds.

    What a person decided about an entry (`is_secret`, from `detect-secrets audit`)
    is kept. `keep`: the file's other entries stay too (a sweep of part of the
    history adds to the baseline, it does not replace it).
    """
    try:
        old = json.loads(target.read_text())
        old_results = old.get('results', {}) if isinstance(old, dict) else {}
    except (OSError, ValueError):
        old_results = {}
    if not isinstance(old_results, dict):
        old_results = {}
    results: dict[str, list[dict[str, Any]]] = {}
    if keep:
        for path, entries in old_results.items():
            if isinstance(path, str) and isinstance(entries, list):
                results[path] = [e for e in entries if isinstance(e, dict)]
    for h in sorted(hits, key=lambda h: (h.path, h.secret_type, h.hashed_secret)):
        entry: dict[str, Any] = {'type': h.secret_type, 'filename': h.path,
                                 'hashed_secret': h.hashed_secret, 'is_verified': False}
        for prev in old_results.get(h.path, []):
            if isinstance(prev, dict) and (prev.get('hashed_secret'), prev.get('type')) == (
                    h.hashed_secret, h.secret_type):
                # Keep what a person decided about it (detect-secrets audit).
                entry.update({k: v for k, v in prev.items() if k in ('is_secret',)})
        bucket = results.setdefault(h.path, [])
        if not any((e.get('hashed_secret'), e.get('type')) == (h.hashed_secret, h.secret_type)
                   for e in bucket):
            bucket.append(entry)
    doc = {
        'version': '1.5.0',
        'plugins_used': [],
        'filters_used': [],
        'results': {path: results[path] for path in sorted(results)},
        'generator': f'commit-warden {version()}; entries keyed on (filename, '
                     'hashed_secret, type), no line numbers',
    }
    write_atomic(target, json.dumps(doc, indent=2, sort_keys=True) + '\n')
    return sum(len(v) for v in results.values())


def baseline_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog='commit-warden baseline',
        description='Write or update the secrets baseline from every file in the index. '
                    'Entries carry no line numbers, so moving code never changes it and '
                    'two branches never conflict on it.')
    parser.add_argument('--config', metavar='PATH', help='policy file')
    parser.add_argument('--output', metavar='PATH',
                        help='where to write it (default: credentials.baseline)')
    args = parser.parse_args(argv)

    def run() -> int:
        repo = Repo.discover()
        config = cfg.load(repo, path=args.config)
        path, count = write_baseline(repo, config, args.output)
        rel = os.path.relpath(path, repo.root)
        print(f'{rel}: {count} known finding{"s" * (count != 1)} recorded; review them, '
              f'then `git add {rel}`')
        return 0

    return boundary('commit-warden baseline', run)
