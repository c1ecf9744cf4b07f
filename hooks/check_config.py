"""check-warden-config: block a commit whose policy file is invalid."""
from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from hooks import config as cfg
from hooks.errors import ConfigError
from hooks.errors import FatalError
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import boundary
from hooks.git import Repo
from hooks.runner import add_common_args
from hooks.runner import finish

HOOK = 'check-warden-config'
RULES = {
    'invalid-config': Rule(
        'invalid-config', HOOK, 'Invalid commit-warden policy',
        'The .commit-warden.yaml being committed does not validate, so every hook '
        'would stop with a config error.',
        'Fix the key or value the message names; `commit-warden config` shows the '
        'effective policy once it validates.'),
}


def check_files(repo: Repo, filenames: Sequence[str]) -> list[Finding]:
    """Validate each policy file as it is staged (the working tree when not tracked)."""
    findings: list[Finding] = []
    staged = repo.ls_files(list(filenames)) if filenames else {}
    for name in filenames:
        rel = cfg.repo_relative(repo, name)
        if rel in staged:
            data = repo.index_content(rel)
        else:
            try:
                with open(name, 'rb') as f:
                    data = f.read()
            except OSError as e:
                raise FatalError(f'{name}: cannot read: {e.strerror}') from e
        if data is None:
            continue
        try:
            config = cfg.parse(data, rel)
        except ConfigError as e:
            findings.extend(
                Finding(hook=HOOK, rule='invalid-config', severity='high', path=rel,
                        line=p.line or None, message=p.message)
                for p in e.problems)
            continue
        # The trust files it names, as ssh-keygen and gpg read them (hooks.trustscan).
        from hooks import trustscan

        findings.extend(
            Finding(hook=HOOK, rule='invalid-config', severity='high', path=p.source or rel,
                    line=p.line or None, message=p.message)
            for p in trustscan.policy_problems(repo, config, None))
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=HOOK, description=__doc__)
    parser.add_argument('filenames', nargs='*', help='policy files to validate')
    add_common_args(parser)
    args = parser.parse_args(argv)

    def run() -> int:
        repo = Repo.discover()
        names = list(args.filenames)
        if not names:
            found, _ = cfg.find_config_path(repo, args.config)
            names = [found] if found else []
        findings = check_files(repo, [os.fspath(n) for n in names])
        # The policy under test may be the broken one: judge with the defaults.
        return finish(hook=HOOK, repo=repo, config=cfg.Config(), args=args,
                      findings=findings, rules=RULES, mode='staged')

    return boundary(HOOK, run)


if __name__ == '__main__':
    raise SystemExit(main())
