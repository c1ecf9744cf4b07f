"""commit-warden: the command line around the hooks (config, ci, audit, ...)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hooks.findings import USAGE
from hooks.findings import boundary
from hooks.hook import Command
from hooks.hook import registered
from hooks.version import version

if TYPE_CHECKING:
    from hooks.git import Repo

PROG = 'commit-warden'

# The subcommands this package owns; each hook adds its own (HOOK.commands), so
# `commit-warden baseline` and `hotfix` come from check-credentials and
# check-hotfixes. A command's module is imported only when it runs.
COMMANDS = (
    Command('config', 'validate and print the effective policy', 'hooks.cli:config_main'),
    Command(
        'ci',
        "run every check over a pull request, under the target branch's policy",
        'hooks.ci:main',
    ),
    Command(
        'audit',
        'summarise the audit log: runs, blocks, warnings, suspected --no-verify bypasses',
        'hooks.audit:main',
    ),
    Command(
        'demo',
        'show each hook block a bad commit and pass the fixed one, in a throw-away repo',
        'hooks.demo:main',
    ),
    Command(
        'run',
        'run one hook by its id, as its console script would '
        '(`commit-warden run check-credentials --from A --to B`)',
        'hooks.cli:run_main',
    ),
    Command('version', 'print the version', 'hooks.cli:version_main'),
)


def commands() -> dict[str, Command]:
    found = {c.name: c for c in COMMANDS}
    for hook in registered():
        for c in hook.commands:
            found.setdefault(c.name, c)
    return found


def _call(command: Command, argv: Sequence[str]) -> int:
    module, _, function = command.target.partition(':')
    return int(getattr(importlib.import_module(module), function)(list(argv)))


def config_main(argv: Sequence[str]) -> int:
    from hooks.runner import add_policy_args

    parser = argparse.ArgumentParser(
        prog=f'{PROG} config', description='validate and print the effective policy'
    )
    add_policy_args(parser)
    parser.add_argument(
        '--schema', action='store_true', help='print the JSON Schema of the policy file instead'
    )
    parser.add_argument(
        '--reference',
        action='store_true',
        help='print the option reference as Markdown (the README section)',
    )
    parser.add_argument(
        '--rules',
        action='store_true',
        help='list every credential rule: id, provider, kind, where to rotate (tab-separated)',
    )
    parser.add_argument(
        '--public-values',
        action='store_true',
        help='list the values check-credentials knows to be public by design, with their sources',
    )
    args = parser.parse_args(argv)
    return boundary(PROG, lambda: _config(args))


def _config(args: argparse.Namespace) -> int:
    from hooks import config as cfg
    from hooks import options
    from hooks.errors import ConfigError
    from hooks.git import Repo
    from hooks.runner import check_rule_ids

    if args.schema:
        print(json.dumps(options.json_schema(), indent=2))
        return 0
    if args.reference:
        sys.stdout.write(options.reference_markdown())
        return 0
    if args.rules:
        from hooks.detectors.listing import text_listing

        sys.stdout.write(text_listing())
        return 0
    if args.public_values:
        from hooks.detectors.public import builtin

        for entry in builtin():
            print(f'{entry.id}\t{entry.provider}\t{entry.what}\t{entry.source}')
        return 0
    repo = Repo.discover() if args.policy_ref or not args.config else _maybe_repo()
    try:
        config = cfg.load(repo, path=args.config, policy_ref=args.policy_ref)
        for hook in registered():
            check_rule_ids(hook, config)
    except ConfigError as e:
        for problem in e.problems:
            print(str(problem) if problem.source else problem.message, file=sys.stderr)
        n = len(e.problems)
        print(
            f'{PROG}: the policy is invalid ({n} problem{"s" * (n != 1)}); nothing was checked',
            file=sys.stderr,
        )
        return USAGE
    if repo is not None:
        # The files the policy names, as the tools that read them do (trust files).
        problems = [
            p
            for hook in registered()
            if hook.check_policy and config.runs(hook.id)
            for p in hook.check_policy(repo, config, args.policy_ref)
        ]
        for problem in problems:
            print(str(problem) if problem.source else problem.message, file=sys.stderr)
        if problems:
            n = len(problems)
            print(
                f'{PROG}: the files the policy names have {n} problem{"s" * (n != 1)}',
                file=sys.stderr,
            )
            return USAGE
    sys.stdout.write(options.to_yaml(config))
    return 0


def _maybe_repo() -> Repo | None:
    from hooks.git import Repo

    try:
        return Repo.discover()
    except Exception:
        return None


def run_main(argv: Sequence[str]) -> int:
    hooks = {h.id: h for h in registered()}
    if not argv or argv[0] not in hooks:
        print(
            f'usage: {PROG} run HOOK-ID [options] [files]; hooks: {", ".join(hooks)}',
            file=sys.stderr,
        )
        return USAGE
    from hooks.runner import main

    return main(hooks[argv[0]], argv[1:])


def version_main(argv: Sequence[str]) -> int:
    argparse.ArgumentParser(prog=f'{PROG} version', description='print the version').parse_args(
        argv
    )
    print(f'{PROG} {version()}')
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    table = commands()
    # Each subcommand parses its own options (argparse's REMAINDER would swallow
    # none that start with a dash).
    if argv and argv[0] in table:
        return _call(table[argv[0]], argv[1:])
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    parser.add_argument('--version', action='version', version=f'%(prog)s {version()}')
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')
    for command in table.values():
        sub.add_parser(command.name, help=command.help, add_help=False)
    parser.parse_args(argv)
    parser.print_help()
    return USAGE


if __name__ == '__main__':
    raise SystemExit(main())
