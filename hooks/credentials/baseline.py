"""The secrets baseline's entries: `commit-warden baseline` scans, merges and writes them.

Known, accepted findings in detect-secrets' format, read by commit-warden as (file,
hashed secret, type) with no line numbers; `commit-warden baseline` writes them so
that detect-secrets accepts and keeps them (its plugins, filters and own scan:
hooks/credentials/detect_secrets_compat.py).

What detect-secrets needs, read from its source (1.5): `detect-secrets-hook`
scans the files it is given with the plugins of `plugins_used` and the filters of
`filters_used`, blocks anything it finds that is not an entry, and then drops every
entry of a scanned file that no plugin found again, whatever its type, and rewrites
the file. A plugin named with a `path` is loaded from that file. So the file lists
detect-secrets' own plugins *and* commit-warden's engine as a custom plugin
(hooks/credentials/detect_secrets_plugin.py), and its entries are what both find:
detect-secrets' (a real `detect-secrets scan` of the index) and commit-warden's.

Writing merges (hooks/credentials/baseline_merge.py): nothing is dropped without
saying so.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import Literal
from typing import NamedTuple

from hooks import config as cfg
from hooks.credentials.baseline_merge import hit_entries
from hooks.credentials.baseline_merge import merge_results
from hooks.credentials.baseline_merge import new_entry
from hooks.credentials.detect_secrets_compat import Entry
from hooks.credentials.detect_secrets_compat import detect_secrets_scan
from hooks.credentials.detect_secrets_compat import settings
from hooks.credentials.engine import Hit
from hooks.credentials.engine import Salt
from hooks.credentials.engine import scan_options
from hooks.credentials.engine import scan_work
from hooks.credentials.known import parse_baseline
from hooks.credentials.plan import plan_whole
from hooks.errors import FatalError
from hooks.findings import boundary
from hooks.git import Repo
from hooks.runner import add_policy_args
from hooks.state import write_atomic

_SHOWN = 10  # entries named in the summary before "and N more"


class BaselineChange(NamedTuple):
    """What writing the baseline did, for the user to read."""

    path: Path
    entries: int  # entries in the file written
    added: int  # entries that were not in it before
    found_again: int  # entries that were, and were found again
    stale: tuple[str, ...]  # 'file: type' of entries not found again
    pruned: bool  # the stale entries were removed (else kept)
    foreign: int  # entries of types neither scan looks for, kept as they are
    notes: tuple[str, ...] = ()  # anything else the user must know

    def summary(self, rel: str) -> list[str]:
        lines = [
            f'{rel}: {self.entries} known finding{"s" * (self.entries != 1)} recorded '
            f'({self.added} new, {self.found_again} found again); review them, then '
            f'`git add {rel}`'
        ]
        if self.foreign:
            lines.append(
                f'{rel}: {self.foreign} entr{"ies" if self.foreign != 1 else "y"} '
                'of types neither commit-warden nor detect-secrets looked for, '
                'kept as they are'
            )
        if self.stale:
            n = len(self.stale)
            what = (
                f'{n} entr{"ies" if n != 1 else "y"} not found again in the index '
                f'(the secret was removed, or a plugin or filter changed)'
            )
            lines.append(
                f'{rel}: {what}: '
                + ('removed (--prune)' if self.pruned else 'kept; `--prune` removes them')
            )
            counts = Counter(self.stale)
            lines += [
                f'  {s}' + (f' ({c} entries)' if c > 1 else '')
                for s, c in list(counts.items())[:_SHOWN]
            ]
            if len(counts) > _SHOWN:
                lines.append(f'  … and {sum(list(counts.values())[_SHOWN:])} more')
        lines += [f'note: {n}' for n in self.notes]
        return lines


def _read_existing(target: Path) -> dict[str, Any] | None:
    if not os.path.lexists(target):
        return None
    try:
        data = cfg.read_regular(target, 'the secrets baseline')  # a FIFO would hang
    except cfg.ConfigError as e:
        raise FatalError(str(e)) from e
    try:
        return parse_baseline(data, str(target))
    except FatalError as e:
        raise FatalError(f'{e}\n(nothing was written: fix the file or move it away)') from e


def _has_line_numbers(old: dict[str, Any] | None) -> bool:
    return any(
        'line_number' in e
        for entries in ((old or {}).get('results') or {}).values()
        for e in entries
    )


def _write(
    target: Path,
    old: dict[str, Any] | None,
    version: str,
    plugins: list[Entry],
    filters: list[Entry],
    results: dict[str, list[Entry]],
) -> None:
    doc = {'version': version, 'plugins_used': plugins, 'filters_used': filters, 'results': results}
    # Whatever else the old file held (detect-secrets' `generated_at`) stays as it was.
    doc.update({k: v for k, v in (old or {}).items() if k not in doc})
    write_atomic(target, json.dumps(doc, indent=2) + '\n')


# --- scanning ------------------------------------------------------------------------


def commit_warden_types(config: cfg.CredentialsConfig) -> frozenset[str]:
    """Every type commit-warden's scan can report."""
    from hooks.detectors import plugin_classes

    types = {cls.secret_type for cls in plugin_classes()}
    return frozenset(types | ({'Prohibited Pattern'} if config.extra_patterns else set()))


class _Scope(NamedTuple):
    """What a run scanned: which files, and which types each side reports."""

    in_index: frozenset[str]
    commit_warden_files: frozenset[str]
    commit_warden_types: frozenset[str]
    detect_secrets_types: frozenset[str]

    def looked_for(self, path: str, secret_type: str) -> bool:
        if path not in self.in_index:
            return True  # the file is gone: so is the secret
        return (
            secret_type in self.commit_warden_types and path in self.commit_warden_files
        ) or secret_type in self.detect_secrets_types


def update_baseline(
    repo: Repo,
    config: cfg.Config,
    output: str | None = None,
    *,
    prune: bool = False,
    line_numbers: bool | None = None,
    plugin_file: str | None = None,
    detect_secrets: bool = True,
) -> BaselineChange:
    """Scan every file in the index with commit-warden (and detect-secrets) and merge
    what is found into the baseline; see the module's docstring.

    `line_numbers`: None keeps the existing file's choice (a new file has none);
    detect-secrets' interactive audit needs them, commit-warden never reads them.
    """
    creds = config.credentials
    # --output is the user's to choose; the policy's path must stay in the repository.
    target = (
        repo.root / output
        if output
        else Path(cfg.inside(repo, creds.baseline, 'credentials.baseline'))
    )
    old = _read_existing(target)
    version, plugins, filters, note = settings(old, creds, repo.root, plugin_file)
    index = repo.ls_files()
    plan = plan_whole(repo, sorted(index), creds)
    found = hit_entries(scan_work(scan_options(creds), plan.work, Salt(repo)))
    ds_types: frozenset[str] = frozenset()
    if detect_secrets:
        ds_results, ds_types = detect_secrets_scan(
            repo, index, version, plugins, filters, target.name
        )
        found += [
            new_entry(str(e['type']), path, str(e['hashed_secret']), line=e.get('line_number'))
            for path, entries in ds_results.items()
            for e in entries
        ]
    scope = _Scope(
        frozenset(index), frozenset(w.path for w in plan.work), commit_warden_types(creds), ds_types
    )
    merged = merge_results(
        old['results'] if old else None,
        found,
        looked_for=scope.looked_for,
        prune=prune,
        line_numbers=_has_line_numbers(old) if line_numbers is None else line_numbers,
    )
    _write(target, old, version, plugins, filters, merged.results)
    notes = [note] if note else []
    if not detect_secrets:
        notes.append(
            'detect-secrets was not run (--no-detect-secrets): its hook will still '
            'block what its own plugins find'
        )
    return BaselineChange(
        target,
        sum(len(v) for v in merged.results.values()),
        merged.added,
        merged.found_again,
        merged.stale,
        prune and bool(merged.stale),
        merged.foreign,
        tuple(notes),
    )


def write_baseline(repo: Repo, config: cfg.Config, output: str | None = None) -> tuple[Path, int]:
    """Scan every file in the index and merge what is found into the baseline; returns
    the file and how many entries it holds."""
    change = update_baseline(repo, config, output)
    return change.path, change.entries


def save_baseline(
    target: Path,
    hits: Iterable[Hit],
    *,
    keep: Literal[True] = True,
    repo: Repo | None = None,
    config: cfg.Config | None = None,
) -> int:
    """Add an entry for each of `hits` (say, a sweep of the history) to the baseline at
    `target`, written so detect-secrets accepts it; returns how many entries it holds.

    Every entry already there stays, with its audit labels (`keep` is always true:
    merging never drops an entry). detect-secrets' own scan is not run: these hits
    need not be in today's files.
    """
    del keep
    creds = (config or cfg.Config()).credentials
    root = repo.root if repo is not None else target.parent
    old = _read_existing(target)
    version, plugins, filters, _ = settings(old, creds, root, None)
    merged = merge_results(
        old['results'] if old else None,
        hit_entries(hits),
        looked_for=lambda path, secret_type: False,
        line_numbers=_has_line_numbers(old),
    )
    _write(target, old, version, plugins, filters, merged.results)
    return sum(len(v) for v in merged.results.values())


def baseline_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog='commit-warden baseline',
        description='Write or update the secrets baseline from every file in the index, '
        "in detect-secrets' format: its hook and audit accept it, and an "
        'existing detect-secrets baseline is merged, never replaced. '
        'commit-warden matches entries without line numbers, so moving code '
        'never re-flags a known secret.',
    )
    add_policy_args(parser, policy_ref=False)
    parser.add_argument(
        '--output', metavar='PATH', help='where to write it (default: credentials.baseline)'
    )
    parser.add_argument(
        '--prune',
        action='store_true',
        help='remove the entries that were not found again (default: keep them, and name them)',
    )
    lines = parser.add_mutually_exclusive_group()
    lines.add_argument(
        '--line-numbers',
        dest='line_numbers',
        action='store_true',
        default=None,
        help="record line numbers (detect-secrets' interactive audit needs "
        'them; default: as the existing file does, none in a new one)',
    )
    lines.add_argument(
        '--no-line-numbers',
        dest='line_numbers',
        action='store_false',
        help='record none (no churn when code moves)',
    )
    parser.add_argument(
        '--plugin-path',
        metavar='PATH',
        help="where detect-secrets should load commit-warden's plugin from, "
        'as every machine that runs it sees the file (default: this '
        "installation's hooks/credentials/detect_secrets_plugin.py)",
    )
    parser.add_argument(
        '--no-detect-secrets',
        dest='detect_secrets',
        action='store_false',
        help="do not run detect-secrets' own plugins over the index (then "
        'its hook blocks what they find)',
    )
    audit = parser.add_argument_group(
        'audit',
        "label the entries with detect-secrets' own audit, which cannot read "
        "commit-warden's entries by itself (Yelp/detect-secrets#611)",
    )
    audit.add_argument(
        '--audit',
        action='store_true',
        help='label each entry interactively (detect-secrets saves the labels; '
        'needs a baseline with line numbers); nothing else is written',
    )
    audit.add_argument(
        '--stats',
        action='store_true',
        help='with --audit: print the statistics of the labels instead',
    )
    audit.add_argument('--json', action='store_true', help='with --stats: as JSON')
    args = parser.parse_args(argv)
    if (args.stats or args.json) and not args.audit:
        parser.error('--stats and --json go with --audit')

    def run() -> int:
        repo = Repo.discover()
        config = cfg.load(repo, path=args.config)
        if args.audit:
            from hooks.credentials.audit_baseline import audit as audit_entries

            return audit_entries(
                str(repo.root / (args.output or config.credentials.baseline)),
                stats=args.stats,
                as_json=args.json,
            )
        change = update_baseline(
            repo,
            config,
            args.output,
            prune=args.prune,
            line_numbers=args.line_numbers,
            plugin_file=args.plugin_path,
            detect_secrets=args.detect_secrets,
        )
        for line in change.summary(os.path.relpath(change.path, repo.root)):
            print(line)
        return 0

    return boundary('commit-warden baseline', run)
