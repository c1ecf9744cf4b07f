"""commit-warden audit: summarise the audit log.

Runs and blocks by hook and rule, and suspected bypasses: commits that a range run
(pre-push or CI) blocked for a rule a local hook enforces at commit time, which
means someone committed with `--no-verify`, `SKIP=`, or without the hooks installed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from hooks import config as cfg
from hooks.auditlog import audit_path
from hooks.auditlog import read_audit
from hooks.errors import FatalError
from hooks.findings import boundary
from hooks.git import Repo
from hooks.runner import add_policy_args

PROG = 'commit-warden audit'

# Rules a local hook enforces before the commit exists (pre-commit, commit-msg): a
# range run that finds one of these in a commit found a commit the local hook
# should have stopped.
LOCAL_RULE_PREFIXES = (
    'check-credentials:',  # every credential rule runs at pre-commit/commit-msg
    'check-hotfixes:missing-ticket',
    'check-hotfixes:missing-record',
    'check-hotfixes:incomplete-record',
    'check-hotfixes:record-mismatch',
    'check-signatures:missing-signoff',
)


def _parse_since(text: str) -> datetime.datetime:
    try:
        when = datetime.datetime.fromisoformat(text)
    except ValueError as e:
        raise FatalError(
            f'--since {text!r}: expected a date like 2026-11-01 or 2026-11-01T12:00'
        ) from e
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when


def _when(record: dict[str, Any]) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat(str(record.get('time')))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)


_COUNTS = ('rules', 'warned')  # {name: count}
_COMMITS = ('blocked_commits', 'warned_commits')  # {commit: [rule, ...]}


def well_formed(rec: dict[str, Any]) -> bool:
    """Whether a record has the shape `summarise` reads: a hand-edited line with a
    count that is not a number, or rules that are not a list, is skipped, not a crash."""
    if not all(isinstance(rec.get(k), str) for k in ('hook', 'outcome')):
        return False
    if not isinstance(rec.get('mode'), (str, type(None))):
        return False
    for key in _COUNTS:
        value = rec.get(key, {})
        if not (isinstance(value, dict) and all(type(n) is int for n in value.values())):
            return False
    for key in _COMMITS:
        value = rec.get(key, {})
        if not (
            isinstance(value, dict)
            and all(
                isinstance(r, list) and all(isinstance(x, str) for x in r) for r in value.values()
            )
        ):
            return False
    return True


def summarise(
    records: Iterable[dict[str, Any]],
    since: datetime.datetime | None = None,
    skipped: list[int] | None = None,
) -> dict[str, Any]:
    runs: Counter[str] = Counter()
    blocked: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    warned: Counter[str] = Counter()
    would_block: dict[str, set[str]] = {}
    bypasses: dict[str, dict[str, Any]] = {}
    total = 0
    skipped = [] if skipped is None else skipped
    for rec in records:
        if not well_formed(rec):
            skipped.append(0)
            continue
        when = _when(rec)
        if since is not None and (when is None or when < since):
            continue
        total += 1
        hook = str(rec.get('hook'))
        runs[hook] += 1
        outcomes[str(rec.get('outcome'))] += 1
        if rec.get('outcome') == 'blocked':
            blocked[hook] += 1
            rules = rec.get('rules')
            if isinstance(rules, dict):
                for rule, n in rules.items():
                    by_rule[f'{hook}:{rule}' if hook != 'commit-warden-ci' else rule] += int(n)
        rule_counts = rec.get('warned')
        if isinstance(rule_counts, dict):
            for rule, n in rule_counts.items():
                warned[str(rule)] += int(n)
        warned_commits = rec.get('warned_commits')
        if isinstance(warned_commits, dict):
            for commit, named in warned_commits.items():
                if isinstance(named, list):
                    would_block.setdefault(str(commit), set()).update(
                        r for r in named if isinstance(r, str)
                    )
        if rec.get('mode') not in ('range', 'ci'):
            continue
        commits = rec.get('blocked_commits')
        if not isinstance(commits, dict):
            continue
        for commit, rules in commits.items():
            local = sorted(
                r for r in rules if isinstance(r, str) and r.startswith(LOCAL_RULE_PREFIXES)
            )
            if local:
                entry = bypasses.setdefault(
                    commit,
                    {
                        'commit': commit,
                        'rules': set(),
                        'first_seen': rec.get('time'),
                        'where': rec.get('mode'),
                    },
                )
                entry['rules'].update(local)
    return {
        'records': total,
        'runs_by_hook': dict(sorted(runs.items())),
        'outcomes': dict(sorted(outcomes.items())),
        'blocked_by_hook': dict(sorted(blocked.items())),
        'findings_by_rule': dict(by_rule.most_common()),
        # What `warn` let through: what switching those checks to `block` would stop.
        'warned_by_rule': dict(warned.most_common()),
        'would_have_blocked': [
            {'commit': c, 'rules': sorted(r)} for c, r in sorted(would_block.items())
        ],
        'suspected_bypasses': [{**b, 'rules': sorted(b['rules'])} for b in bypasses.values()],
        'skipped_lines': len(skipped),
    }


def format_summary(summary: dict[str, Any], source: str) -> str:
    lines = [f'{source}: {summary["records"]} runs']
    if summary['skipped_lines']:
        n = summary['skipped_lines']
        lines.append(
            f'skipped {n} line{"s" * (n != 1)} that are not audit records (torn, or edited by hand)'
        )
    for hook, n in summary['runs_by_hook'].items():
        lines.append(f'  {hook}: {n} runs, {summary["blocked_by_hook"].get(hook, 0)} blocked')
    if summary['findings_by_rule']:
        lines.append('findings by rule:')
        lines += [f'  {rule}: {n}' for rule, n in summary['findings_by_rule'].items()]
    if summary['warned_by_rule']:
        lines.append('warned (would block with `block`):')
        lines += [f'  {rule}: {n}' for rule, n in summary['warned_by_rule'].items()]
    for entry in summary['would_have_blocked']:
        lines.append(
            f'  {entry["commit"][:12]} ({", ".join(entry["rules"])}): passed only '
            'because the policy says warn'
        )
    bypasses = summary['suspected_bypasses']
    lines.append(f'suspected bypasses: {len(bypasses)}')
    for b in bypasses:
        lines.append(
            f'  {b["commit"][:12]} ({", ".join(b["rules"])}): committed past a '
            'local hook (`--no-verify`, `SKIP=`, or hooks not installed); '
            f'caught in {b["where"]} at {b["first_seen"]}'
        )
    return '\n'.join(lines) + '\n'


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split('\n', 1)[0])
    parser.add_argument('--since', metavar='DATE', help='only runs on or after DATE')
    parser.add_argument('--format', choices=('text', 'json'), default='text')
    parser.add_argument(
        '--log',
        metavar='PATH',
        help='the audit log to read (default: report.audit_log, else '
        '.git/commit-warden/audit.jsonl)',
    )
    add_policy_args(parser, policy_ref=False)
    args = parser.parse_args(argv)

    def run() -> int:
        if args.log:
            from pathlib import Path

            path = Path(args.log)
        else:
            repo = Repo.discover()
            config = cfg.load(repo, path=args.config)
            path = audit_path(repo, config.report.audit_log)
        since = _parse_since(args.since) if args.since else None
        skipped: list[int] = []
        summary = summarise(read_audit(path, skipped), since, skipped)
        if args.format == 'json':
            json.dump(summary, sys.stdout, indent=2)
            sys.stdout.write('\n')
        else:
            sys.stdout.write(format_summary(summary, str(path)))
        return 0

    return boundary(PROG, run)
