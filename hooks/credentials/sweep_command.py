"""commit-warden scan: the day-one sweep of a whole history (or tree) for credentials.

The command around the sweep (hooks/credentials/sweep.py): its arguments, the
findings in any report format, with `--baseline` a baseline of everything found
(so the hooks can be switched on at once), and a rotation to-do list grouped by
provider: each secret masked, the first and last commit that added it, and
whether the head still holds it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import NamedTuple

from hooks import config as cfg
from hooks.credentials import ID
from hooks.credentials.engine import MESSAGE_PATH
from hooks.credentials.engine import Hit
from hooks.credentials.engine import Salt
from hooks.credentials.sweep import PROG
from hooks.credentials.sweep import sweep_history
from hooks.credentials.sweep import sweep_tree
from hooks.findings import BLOCKED
from hooks.findings import PASS
from hooks.findings import blocked
from hooks.findings import boundary
from hooks.git import Repo


class Item(NamedTuple):
    """One secret of the rotation to-do list (the same value wherever it appears)."""

    provider: str
    kind: str
    preview: str
    rule: str
    paths: tuple[str, ...]
    commits: tuple[str, ...]  # oldest first
    first_time: int | None
    last_time: int | None
    held_at_head: tuple[str, ...]  # files of the head that still hold it
    accepted: bool  # the baseline already held it before this run
    rotate: str = ''  # where the provider revokes it, when known


# --- the rotation to-do list ---------------------------------------------------


def todo_items(
    repo: Repo,
    hits: Sequence[Hit],
    order: dict[str, int],
    held: set[tuple[str, str]],
    accepted: set[tuple[str, str, str]],
) -> list[Item]:
    """One item per secret value (by its hash), grouped later by provider."""
    by_secret: dict[tuple[str, str], list[Hit]] = {}
    for h in hits:
        by_secret.setdefault((h.provider, h.baseline_key), []).append(h)
    commits = sorted({h.commit for h in hits if h.commit}, key=lambda c: order.get(c, 0))
    times = {i.commit: i.committer_time for i in repo.commit_infos(commits)}
    items = []
    for (provider, secret), group in by_secret.items():
        ordered = sorted({h.commit for h in group if h.commit}, key=lambda c: order.get(c, 0))
        first = group[0]
        items.append(
            Item(
                provider=provider,
                kind=first.kind,
                preview=first.preview,
                rule=first.rule,
                paths=tuple(sorted({h.path for h in group})),
                commits=tuple(ordered),
                first_time=times.get(ordered[0]) if ordered else None,
                last_time=times.get(ordered[-1]) if ordered else None,
                held_at_head=tuple(sorted({h.path for h in group if (h.path, secret) in held})),
                accepted=all((h.path, h.baseline_key, h.secret_type) in accepted for h in group),
                rotate=first.rotate,
            )
        )
    items.sort(
        key=lambda i: (i.provider.lower(), order.get(i.commits[0], 0) if i.commits else 0, i.paths)
    )
    return items


def _day(t: int | None) -> str:
    return time.strftime('%Y-%m-%d', time.gmtime(t)) if t is not None else '?'


def todo_text(items: Sequence[Item], *, markdown: bool = False, history: bool = True) -> str:
    from hooks.report import display_path
    from hooks.report import inert

    if not items:
        return (
            'No credentials found: nothing to rotate.\n'
            if not markdown
            else '# Rotation to-do\n\nNo credentials found: nothing to rotate.\n'
        )
    out = ['# Rotation to-do' if markdown else 'Rotation to-do', '']
    by_provider: dict[str, list[Item]] = {}
    for item in items:
        by_provider.setdefault(item.provider, []).append(item)
    for provider, group in by_provider.items():
        out.append(f'## {provider} ({len(group)})' if markdown else f'{provider} ({len(group)})')
        for item in group:
            box = '- [ ] ' if markdown else '  [ ] '
            pad = '      ' if not markdown else '  '
            done = ' (in the baseline already)' if item.accepted else ''
            out.append(f'{box}{item.kind} {item.preview} [{item.rule}]{done}')
            out.append(f'{pad}in: {", ".join(display_path(p) for p in item.paths)}')
            if history and item.commits:
                n = len(item.commits)
                out.append(
                    f'{pad}first: {item.commits[0][:12]} {_day(item.first_time)}'
                    f'  last: {item.commits[-1][:12]} {_day(item.last_time)}'
                    f'  ({n} commit{"s" * (n != 1)})'
                )
            if item.held_at_head:
                held = ', '.join(display_path(p) for p in item.held_at_head)
                out.append(f'{pad}now: still in the tree ({held})')
            elif history and item.paths != (MESSAGE_PATH,):
                out.append(
                    f'{pad}now: not in the tree any more, but every clone of the history holds it'
                )
            from hooks.credentials.fixes import rotate

            out.append(f'{pad}to do: {rotate(item.provider, item.rotate)}')
        out.append('')
    # Paths and kinds are repository text: nothing in them may read as a CI command.
    return ''.join(inert(line) + '\n' for line in out)


def todo_json(items: Sequence[Item]) -> str:
    return (
        json.dumps(
            {
                'version': 1,
                'secrets': [
                    {
                        **item._asdict(),
                        'paths': list(item.paths),
                        'commits': list(item.commits),
                        'held_at_head': list(item.held_at_head),
                    }
                    for item in items
                ],
            },
            indent=2,
        )
        + '\n'
    )


# --- the command -------------------------------------------------------------


def main(argv: Sequence[str]) -> int:
    from hooks.runner import add_policy_args
    from hooks.runner import add_report_args
    from hooks.runner import report_targets

    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__.split('\n', 1)[0], allow_abbrev=False
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        '--history',
        action='store_true',
        help="every commit's added lines and message (the default)",
    )
    what.add_argument('--tree', action='store_true', help='every file in the index')
    parser.add_argument(
        '--since', metavar='REF', help='only the commits REF does not have (--history)'
    )
    parser.add_argument(
        '--all',
        action='store_true',
        help="every branch and tag (git log --all), not only HEAD's history",
    )
    add_policy_args(parser, policy_ref=False)
    add_report_args(parser)
    parser.add_argument(
        '--baseline',
        nargs='?',
        const='',
        metavar='PATH',
        help='record everything found in the baseline (default: '
        'credentials.baseline), so the hooks pass on it',
    )
    parser.add_argument(
        '--todo',
        metavar='PATH',
        help='also write the rotation to-do list to PATH (Markdown; JSON when PATH ends in .json)',
    )
    parser.add_argument(
        '--jobs', type=int, metavar='N', help='worker processes (default: one per core)'
    )
    parser.add_argument(
        '--no-cache', action='store_true', help='scan every commit again, ignoring cached results'
    )
    args = parser.parse_args(argv)
    formats, outputs = report_targets(parser, args)
    if args.tree and (args.since or args.all):
        parser.error('--since and --all select commits: use them with --history')
    return boundary(PROG, lambda: _run(args, formats, outputs))


def _run(args: argparse.Namespace, formats: list[str], outputs: list[str]) -> int:
    from hooks.credentials.baseline import save_baseline
    from hooks.credentials.check import held_at
    from hooks.credentials.check import rules_for
    from hooks.credentials.check import salted
    from hooks.credentials.check import to_finding
    from hooks.credentials.fixes import Place
    from hooks.credentials.known import load_baseline
    from hooks.credentials.known import read_baseline
    from hooks.findings import write_raw
    from hooks.report import redacted
    from hooks.report import render
    from hooks.report import use_color
    from hooks.report import write_report
    from hooks.runner import apply_policy

    started = time.monotonic()
    repo = Repo.discover()
    config = cfg.load(repo, path=args.config)
    creds = config.credentials
    history = not args.tree
    notes: list[str] = []
    head = repo.head()
    if history:
        if head is None and not args.all:
            commits: list[str] = []
        else:
            revs = ['--all'] if args.all else ['HEAD']
            if args.since:
                revs += ['--not', repo.require(args.since)]
            commits = repo.rev_list('--topo-order', '--reverse', *revs)
        if repo.is_shallow():
            notes.append(
                'this clone is shallow: its oldest commits show their whole tree as '
                'added; fetch the history (`git fetch --unshallow`) to sweep it all'
            )
        # A baseline needs detect-secrets' unsalted hashes, which the cache never keeps.
        result = sweep_history(
            repo,
            config,
            commits,
            jobs=args.jobs,
            use_cache=not args.no_cache and args.baseline is None,
        )
        hits, skipped, order = result.hits, result.skipped, result.order
        scope = (
            f'{result.commits} commit{"s" * (result.commits != 1)} of '
            f'{"every ref" if args.all else "HEAD"}'
            + (f' since {args.since}' if args.since else '')
        )
        size = result.patch_bytes
    else:
        hits, skipped, files, size = sweep_tree(repo, config)
        order = {}
        scope = f'{files} file{"s" * (files != 1)} of the index'
    hits.sort(key=lambda h: (order.get(h.commit or '', 0), h.path, h.line))
    salt = Salt(repo)
    held = held_at(repo, head, hits, creds, salt) if head and hits else set()
    if not history:
        held = {(h.path, h.baseline_key) for h in hits}
    known = salted(load_baseline(read_baseline(repo, config, None), creds.baseline), salt)
    items = todo_items(repo, hits, order, held, known)
    if args.baseline is not None:
        target = repo.root / (args.baseline or creds.baseline)
        count = save_baseline(target, hits, keep=True, repo=repo, config=config)
        rel = os.path.relpath(target, repo.root)
        notes.append(
            f'{rel}: {count} known finding{"s" * (count != 1)} recorded; review '
            f'them, then `git add {rel}`'
        )
        accepted_now = known | {(h.path, h.baseline_key, h.secret_type) for h in hits}
    else:
        accepted_now = known
    fresh = [h for h in hits if (h.path, h.baseline_key, h.secret_type) not in known]
    kind = 'history' if history else 'tree'
    findings = [
        to_finding(
            h, Place(kind, 'scan', creds.baseline, gone=(h.path, h.baseline_key) not in held)
        )
        for h in fresh
    ] + list(skipped)
    findings = apply_policy(ID, config, findings)
    if head is not None and history:
        from hooks.anchors import anchor_findings

        # A secret in a file the head no longer has is shown on one it has.
        findings = anchor_findings(repo, head, findings)
    rules = rules_for(hits)
    findings, notes = redacted(findings, notes)
    for fmt, path in zip(formats, outputs, strict=False):
        write_report(path, render(fmt, findings, rules, notes=notes))
    if args.todo:
        write_report(
            args.todo,
            todo_json(items)
            if args.todo.endswith('.json')
            else todo_text(items, markdown=True, history=history),
        )
    to_stdout = formats[len(outputs) :]
    for fmt in to_stdout:
        text = render(fmt, findings, rules, color=use_color(sys.stdout), notes=notes)
        # Annotations are workflow commands on purpose; everything else is made inert.
        write_raw(sys.stdout, text) if fmt == 'github' else sys.stdout.write(text)
    if not to_stdout:
        sys.stdout.write(todo_text(items, history=history))
        for note in notes:
            print(f'note: {note}')
    open_hits = [h for h in hits if (h.path, h.baseline_key, h.secret_type) not in accepted_now]
    unaccepted = [
        f
        for f in findings
        if f.rule == 'file-skipped' or any(f.fingerprint == h.fingerprint for h in open_hits)
    ]
    code = BLOCKED if blocked(unaccepted) else PASS
    elapsed = time.monotonic() - started
    machine = any(f != 'text' for f in to_stdout)
    secrets = len(items)
    print(
        f'{PROG}: {secrets} secret{"s" * (secrets != 1)} in {len(hits)} place'
        f'{"s" * (len(hits) != 1)}; {scope}, {size / 1e6:.1f} MB in {elapsed:.1f} s'
        + ('' if code else ('; all in the baseline' if hits else '')),
        file=sys.stderr if machine else sys.stdout,
    )
    return code
