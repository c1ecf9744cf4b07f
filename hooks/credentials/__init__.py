"""check-credentials: block commits, messages and pushes that add credentials.

Staged mode scans what the index adds (a file with no staged change: all of it),
message mode scans the commit message, range mode scans every commit of a range:
each commit's added lines and its message, so a secret added in one commit and
deleted in the next is still caught.

The package: `engine` (the scan, on every core), `plan` (what to scan of a
change), `content` (what a file's bytes are: text in any UTF encoding, or binary
content's printable runs; big files as streams), `check` (each stage's judgement
and its findings), `cache` (per-commit results), `baseline` (known findings;
`commit-warden baseline`), `detect_secrets_plugin` (the engine as one
detect-secrets plugin, so detect-secrets keeps the baseline's entries),
`audit_baseline` (`commit-warden baseline --audit`) and `sweep` (`commit-warden
scan`). The detectors are hooks/detectors and the prefilter hooks/scan.py.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hooks.findings import Rule
from hooks.hook import Command
from hooks.hook import Context
from hooks.hook import Hook
from hooks.hook import Outcome

if TYPE_CHECKING:
    from hooks.config import Config

ID = 'check-credentials'
RULES = {
    'file-skipped': Rule(
        'file-skipped',
        ID,
        'File not scanned',
        'A file was not scanned: it is bigger than credentials.max_file_bytes, or its '
        'content is not in this clone. What was not read cannot pass.',
        'Exclude the file (credentials.exclude) if it cannot hold secrets, or raise '
        'credentials.max_file_bytes; fetch missing content. `rules:` can make it warn.',
        'medium',
    ),
}

# The checks load the engine on first use: importing this package costs nothing.


def check_staged(ctx: Context) -> Outcome:
    from hooks.credentials import check

    return check.check_staged(ctx)


def check_message(ctx: Context) -> Outcome:
    from hooks.credentials import check

    return check.check_message(ctx)


def check_range(ctx: Context) -> Outcome:
    from hooks.credentials import check

    return check.check_range(ctx)


def rule_ids(config: Config) -> Collection[str]:
    from hooks.credentials import check

    return check.rule_ids(config)


HOOK = Hook(
    id=ID,
    description=__doc__.split('\n', 1)[0],
    rules=RULES,
    check_staged=check_staged,
    check_message=check_message,
    check_range=check_range,
    rule_ids=rule_ids,
    commands=(
        Command(
            'baseline',
            "write or merge the secrets baseline (detect-secrets' "
            'format; matched without line numbers)',
            'hooks.credentials.baseline:baseline_main',
        ),
        Command(
            'scan',
            'the day-one sweep: every commit of the history (or the '
            'tree) for credentials; a baseline and a rotation to-do list',
            'hooks.credentials.sweep_command:main',
        ),
    ),
)


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.runner import main as run

    return run(HOOK, argv)
