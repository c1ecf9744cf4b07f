"""check-hotfixes: production hotfixes must carry a ticket and a hotfix record, and
must be ported back to the mainline before the next release overwrites them.

Modes (the README's check-hotfixes section says the same for users):

- commit-msg: the message file, the branch being committed on and the staged changes;
- range (pre-push, CI, --from/--to): every commit of the range, because the
  commit-msg hook never runs for cherry-pick, rebase or `revert --no-edit`;
- --backport: every commit on the production branch that the mainline lacks.

Decisions worth knowing (also in the README):

- The record requirement is "added or updated by this change": at commit time the
  staged changes *and* the branch's unpushed commits (so the commit judges what the
  next push will, and `git commit --amend` of a documented hotfix passes); in range
  mode any commit of the range, as the record is at the end of the range (a record
  deleted later in the range documents nothing).
- `backport:` is a required key whose value may be `pending` until the fix is on
  the mainline; once ported it names the port's commit, which the backport guard
  accepts as evidence for ports that `git cherry` cannot see (changed, squashed).
- Reverts (`This reverts commit X.`) and ports (`(cherry picked from commit X)`,
  `Backport-of: X`) still need a ticket, but may rely on the incident's existing
  record: rolling back is what the record's `rollback:` field already describes.
- Merge commits that only join histories are not judged themselves (their commits
  are); a merge with changes of its own is judged like any commit. The backport
  guard never asks to port a merge; it asks for the merge's non-merge parents.
- Commits already on the mainline are not hotfixes because of the branch they go
  to: pushing a release to production is not a hotfix.

The package: `policy` (which commits are hotfixes), `records` (hotfix records and
`hotfix new`), `judge` (is a hotfix documented), `detect` (the commit-msg and
range checks), `backport` (the backport guard), `commands` (`commit-warden hotfix`).
"""

from __future__ import annotations

from collections.abc import Sequence

from hooks.findings import Rule
from hooks.hook import BRANCH_OPTIONS
from hooks.hook import Command
from hooks.hook import Context
from hooks.hook import Hook
from hooks.hook import Option
from hooks.hook import Outcome

ID = 'check-hotfixes'


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            'missing-ticket',
            ID,
            'Hotfix without a ticket',
            'A production hotfix whose message references no ticket or incident, so nobody '
            'can later find out what changed in production, or why.',
            'Reference the incident in the message, e.g. `hotfix: INC-123 raise the pool size` '
            '(hotfixes.ticket_patterns says what counts as a reference).',
        ),
        Rule(
            'missing-record',
            ID,
            'Hotfix without a hotfix record',
            'A production hotfix that adds or updates no hotfix record: what changed, why, '
            'how to roll it back, who approved it and where it was ported.',
            'Create the record with `commit-warden hotfix new INC-123`, fill it in and commit '
            'it with the fix.',
        ),
        Rule(
            'incomplete-record',
            ID,
            'Incomplete hotfix record',
            'A hotfix record lacks a required field (hotfixes.record_fields), or leaves it empty.',
            "Fill in the field the message names in the record's front matter.",
        ),
        Rule(
            'record-mismatch',
            ID,
            'Hotfix record for another incident',
            'The hotfix record changed with this hotfix names a different incident than the '
            'commit message.',
            "Fix the record's `incident:` or the message; a new incident needs its own record.",
        ),
        Rule(
            'invalid-record',
            ID,
            'Unreadable hotfix record',
            'A file in the hotfix record directory is not a Markdown file with YAML front '
            'matter nor a YAML mapping, so it documents nothing.',
            'Start Markdown records with YAML front matter between `---` lines; '
            '`commit-warden hotfix new INC-123` writes a valid skeleton.',
        ),
        Rule(
            'unported-hotfix',
            ID,
            'Hotfix not ported to the mainline',
            'A commit on the production branch that the mainline neither contains, nor holds '
            'a patch-identical copy of, nor names in a `(cherry picked from commit X)` or '
            '`Backport-of: X` trailer or a hotfix record: the next release would revert it.',
            'Port it onto the mainline with `git cherry-pick -x <sha>`; for a port that had to '
            'change, name the hotfix in a `Backport-of: <sha>` trailer or the port in the '
            "record's `backport:` field.",
        ),
    )
}


def backport_options(lead: str = '') -> tuple[Option, ...]:
    """The backport guard's options, for the hook (`--backport`) and `hotfix backport-status`."""
    return (
        Option(
            '--production',
            f'{lead}the production branch (default: the first '
            'hotfixes.production_branches that exists)',
            'BRANCH',
        ),
        Option('--mainline', f'{lead}the mainline (default: hotfixes.mainline)', 'BRANCH'),
        Option('--since', f'{lead}ignore hotfixes REF already contains', 'REF'),
    )


def _backport(ctx: Context) -> Outcome:
    from hooks.hotfixes.backport import backport_names
    from hooks.hotfixes.backport import backport_status
    from hooks.hotfixes.backport import unported_findings

    config = ctx.config.hotfixes
    production, mainline = backport_names(
        ctx.repo, config, ctx.options.production, ctx.options.mainline
    )
    statuses = backport_status(
        ctx.repo, config, production=production, mainline=mainline, since=ctx.options.since
    )
    return Outcome(
        unported_findings(statuses, production=production, mainline=mainline),
        mode='backport',
        commit_range=f'{mainline}..{production}',
    )


def check_message(ctx: Context) -> Outcome:
    """commit-msg: the commit being made, by its message, branch and staged changes."""
    if getattr(ctx.options, 'backport', False):
        return _backport(ctx)
    from hooks.hotfixes.detect import check_message as check

    assert ctx.message_file is not None
    findings, notes = check(ctx.repo, ctx.config.hotfixes, message_path=ctx.message_file)
    return Outcome(findings, notes)


def check_range(ctx: Context) -> Outcome:
    """pre-push, CI: every commit of the range; in CI, a release into production
    must also carry every hotfix (the backport guard)."""
    if getattr(ctx.options, 'backport', False):
        return _backport(ctx)
    from hooks.hotfixes.detect import check_range as check
    from hooks.hotfixes.detect import release_guard
    from hooks.hotfixes.detect import source_branch

    assert ctx.range is not None
    findings, notes = check(
        ctx.repo,
        ctx.config.hotfixes,
        rng=ctx.range,
        source=source_branch(ctx),
        target=ctx.target_branch,
    )
    if ctx.target_ref is not None:
        findings.extend(release_guard(ctx))
    return Outcome(findings, notes)


HOOK = Hook(
    id=ID,
    description=__doc__.split('\n\n')[0],
    rules=RULES,
    check_message=check_message,
    check_range=check_range,
    options=(
        *BRANCH_OPTIONS,
        Option('--backport', 'instead: block while a production hotfix is not on the mainline'),
        *backport_options('with --backport: '),
    ),
    commands=(
        Command(
            'hotfix',
            'hotfix records: `hotfix new INC-123`, `hotfix backport-status`',
            'hooks.hotfixes.commands:hotfix_main',
        ),
    ),
)


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.runner import main as run

    return run(HOOK, argv)
