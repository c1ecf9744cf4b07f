"""commit-warden: the command line around the hooks (config, version, ...)."""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence

from hooks import config as cfg
from hooks.errors import ConfigError
from hooks.findings import USAGE
from hooks.findings import boundary
from hooks.git import Repo
from hooks.version import version

PROG = 'commit-warden'
_DELEGATED = {
    'baseline': 'write or update the secrets baseline (no line numbers: no churn)',
    'hotfix': 'hotfix records: `hotfix new INC-123`, `hotfix backport-status`',
    'ci': 'run every check over a pull request, under the target branch\'s policy',
    'audit': 'summarise the audit log: runs, blocks, suspected --no-verify bypasses',
    'demo': 'show each hook block a bad commit and pass the fixed one, in a throw-away repo',
    'signing': 'sign commits: `signing setup` (one command to onboard), `signing status`',
}
_MODULES = {'baseline': 'credentials', 'hotfix': 'hotfixes', 'ci': 'ci', 'audit': 'audit',
            'demo': 'demo', 'signing': 'signing'}


def _config(args: argparse.Namespace) -> int:
    if args.schema:
        print(json.dumps(cfg.json_schema(), indent=2))
        return 0
    if args.reference:
        sys.stdout.write(cfg.reference_markdown())
        return 0
    repo = Repo.discover() if args.policy_ref or not args.config else _maybe_repo()
    try:
        config = cfg.load(repo, path=args.config, policy_ref=args.policy_ref)
    except ConfigError as e:
        for problem in e.problems:
            print(str(problem) if problem.source else problem.message, file=sys.stderr)
        n = len(e.problems)
        print(f'{PROG}: the policy is invalid ({n} problem{"s" * (n != 1)}); nothing was '
              'checked', file=sys.stderr)
        return USAGE
    if repo is not None:
        # The trust files it names, as ssh-keygen and gpg read them (hooks.trustscan).
        from hooks import trustscan

        problems = trustscan.policy_problems(repo, config, args.policy_ref)
        for problem in problems:
            print(str(problem) if problem.source else problem.message, file=sys.stderr)
        if problems:
            n = len(problems)
            print(f'{PROG}: the policy\'s trust files have {n} problem{"s" * (n != 1)}',
                  file=sys.stderr)
            return USAGE
    sys.stdout.write(cfg.to_yaml(config))
    return 0


def _maybe_repo() -> Repo | None:
    try:
        return Repo.discover()
    except Exception:
        return None


def _delegate(command: str, rest: Sequence[str]) -> int:
    module = importlib.import_module(f'hooks.{_MODULES[command]}')
    entry = 'main' if _MODULES[command] == command else f'{command}_main'
    return int(getattr(module, entry)(list(rest)))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Subcommands owned by a module parse their own options (argparse's REMAINDER
    # would swallow none that start with a dash).
    if argv and argv[0] in _DELEGATED:
        return _delegate(argv[0], argv[1:])
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    parser.add_argument('--version', action='version', version=f'%(prog)s {version()}')
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')

    p = sub.add_parser('config', help='validate and print the effective policy')
    p.add_argument('--config', metavar='PATH', help='policy file to read')
    p.add_argument('--policy-ref', metavar='REF',
                   help='read the policy as committed at REF, never from disk')
    p.add_argument('--schema', action='store_true',
                   help='print the JSON Schema of the policy file instead')
    p.add_argument('--reference', action='store_true',
                   help='print the option reference as Markdown (the README section)')

    sub.add_parser('version', help='print the version')

    # Subcommands owned by a hook module: imported only when used, so that
    # `commit-warden config` never pays for detect-secrets.
    for name, helptext in _DELEGATED.items():
        d = sub.add_parser(name, help=helptext, add_help=False)
        d.add_argument('rest', nargs=argparse.REMAINDER)

    args = parser.parse_args(argv)
    if args.command in _DELEGATED:
        return _delegate(args.command, args.rest)
    if args.command == 'config':
        return boundary(PROG, lambda: _config(args))
    if args.command == 'version':
        print(f'{PROG} {version()}')
        return 0
    parser.print_help()
    return USAGE


if __name__ == '__main__':
    raise SystemExit(main())
