"""`commit-warden hotfix`: write a record skeleton (`new`), and show where each
production hotfix is (`backport-status`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hooks import config as cfg
from hooks.findings import BLOCKED
from hooks.findings import PASS
from hooks.findings import USAGE
from hooks.findings import boundary
from hooks.git import Repo
from hooks.hotfixes import backport_options
from hooks.hotfixes.backport import backport_names
from hooks.hotfixes.backport import backport_status
from hooks.hotfixes.backport import format_status
from hooks.hotfixes.records import PENDING
from hooks.hotfixes.records import new_record
from hooks.runner import add_policy_args

PROG = 'commit-warden hotfix'


def hotfix_main(argv: Sequence[str]) -> int:
    """`commit-warden hotfix ...`: write a record skeleton, show where hotfixes are."""
    parser = argparse.ArgumentParser(prog=PROG, description=hotfix_main.__doc__)
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')
    p = sub.add_parser('new', help='write the hotfix record skeleton for a ticket')
    p.add_argument('ticket', help='the ticket or incident id, e.g. INC-123')
    p.add_argument('--summary', help='one line: what the hotfix changes')
    add_policy_args(p)
    s = sub.add_parser(
        'backport-status', help='list production hotfixes and whether each is on the mainline'
    )
    for option in backport_options():
        s.add_argument(option.flag, metavar=option.metavar, help=option.help)
    add_policy_args(s)
    args = parser.parse_args(list(argv))

    def run() -> int:
        if args.command is None:
            parser.print_help(sys.stderr)
            return USAGE
        repo = Repo.discover()
        config = cfg.load(repo, path=args.config, policy_ref=args.policy_ref).hotfixes
        if args.command == 'new':
            path = new_record(repo, config, ticket=args.ticket, summary=args.summary)
            rel = path.relative_to(repo.root).as_posix()
            todo = [
                f
                for f in config.record_fields
                if f not in ('incident', 'backport') and not (f == 'summary' and args.summary)
            ]
            print(
                f'wrote {rel}: fill in {", ".join(todo) or "the details"}; leave '
                f'`backport: {PENDING}` until the fix is on {config.mainline}'
            )
            print(
                f'then: `git add {rel}` and commit it with the fix, its message '
                f'referencing {args.ticket}'
            )
            return PASS
        production, mainline = backport_names(repo, config, args.production, args.mainline)
        statuses = backport_status(
            repo, config, production=production, mainline=mainline, since=args.since
        )
        sys.stdout.write(format_status(statuses, production=production, mainline=mainline))
        return BLOCKED if any(not s.ported for s in statuses) else PASS

    return boundary(PROG, run)
