"""check-warden-config: block a commit whose policy file is invalid."""

from __future__ import annotations

from collections.abc import Sequence

from hooks.findings import Rule
from hooks.hook import Context
from hooks.hook import Hook
from hooks.hook import Outcome

ID = 'check-warden-config'
RULES = {
    'invalid-config': Rule(
        'invalid-config',
        ID,
        'Invalid commit-warden policy',
        'The .commit-warden.yaml being committed does not validate, so every hook '
        'would stop with a config error.',
        'Fix the key or value the message names; `commit-warden config` shows the '
        'effective policy once it validates.',
    ),
}


def check_staged(ctx: Context) -> Outcome:
    """Validate each policy file as it is staged (the working tree when not tracked)."""
    import os

    from hooks import config as cfg
    from hooks.errors import ConfigError
    from hooks.errors import FatalError
    from hooks.findings import Finding
    from hooks.hook import registered

    repo = ctx.repo
    names = [os.fspath(n) for n in ctx.filenames]
    if not names:
        found, _ = cfg.find_config_path(repo, ctx.options.config)
        names = [found] if found else []
    findings: list[Finding] = []
    staged = repo.ls_files(list(names)) if names else {}
    for name in names:
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
                Finding(
                    hook=ID,
                    rule='invalid-config',
                    severity='high',
                    path=rel,
                    line=p.line or None,
                    message=p.message,
                )
                for p in e.problems
            )
            continue
        # The files it names, as the tools that read them do (check-signatures: its
        # trust files, as ssh-keygen and gpg read them).
        for hook in registered():
            if hook.check_policy is not None and config.runs(hook.id):
                findings.extend(
                    Finding(
                        hook=ID,
                        rule='invalid-config',
                        severity='high',
                        path=p.source or rel,
                        line=p.line or None,
                        message=p.message,
                    )
                    for p in hook.check_policy(repo, config, None)
                )
    return Outcome(findings)


# The policy under test may be the broken one: this hook judges with the defaults.
HOOK = Hook(
    id=ID,
    description=__doc__.split('\n', 1)[0],
    rules=RULES,
    check_staged=check_staged,
    reads_policy=False,
)


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.runner import main as run

    return run(HOOK, argv)
