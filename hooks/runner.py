"""What every hook shares: its common options, the mode it runs in, and how a run ends
(report, audit line, exit code)."""
from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hooks.config import Config
from hooks.findings import BLOCKED
from hooks.findings import PASS
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.git import Repo
from hooks.git import is_first_push
from hooks.report import FORMATS
from hooks.report import AuditRecord
from hooks.report import audit_path
from hooks.report import emit
from hooks.report import try_append_audit


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--config', metavar='PATH',
                        help='policy file (default: $COMMIT_WARDEN_CONFIG, then '
                             '.commit-warden.yaml at the repository root)')
    parser.add_argument('--policy-ref', metavar='REF',
                        help='read the policy as committed at REF, not from disk '
                             '(CI: the merge base with the target branch)')
    parser.add_argument('--format', choices=FORMATS, default='text',
                        help='output format (default: %(default)s)')
    parser.add_argument('--output', metavar='PATH',
                        help='write the report to PATH instead of standard output')


def add_range_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--from', dest='from_ref', metavar='REF',
                        help='check the commits of FROM..TO (default: $PRE_COMMIT_FROM_REF)')
    parser.add_argument('--to', dest='to_ref', metavar='REF',
                        help='end of the range (default: $PRE_COMMIT_TO_REF, else HEAD)')


def add_branch_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--target-branch', metavar='NAME',
                        help='the branch the commits go to, for the hotfix rules (a pull '
                             'request\'s target; default: from pre-commit or the CI: '
                             '$PRE_COMMIT_REMOTE_BRANCH, $GITHUB_BASE_REF, '
                             '$CI_MERGE_REQUEST_TARGET_BRANCH_NAME)')
    parser.add_argument('--source-branch', metavar='NAME',
                        help='the branch the commits come from (default: '
                             '$PRE_COMMIT_LOCAL_BRANCH, $GITHUB_HEAD_REF, '
                             '$CI_MERGE_REQUEST_SOURCE_BRANCH_NAME)')


@dataclass(frozen=True)
class Range:
    from_ref: str | None   # None: a new branch, every commit on no remote-tracking ref
    to_ref: str
    remote: str | None = None
    exclude: tuple[str, ...] | None = None  # set: TO minus FROM and these, not the remotes

    def __str__(self) -> str:
        return f'{self.from_ref or "(new branch)"}..{self.to_ref}'


@dataclass(frozen=True)
class PullRequest:
    """What `commit-warden ci` asks each hook to judge (each hook's `run_range`)."""

    range: Range
    policy_ref: str               # the merge base: the trusted policy lives here
    target_branch: str | None     # e.g. 'production', for the hotfix rules
    source_branch: str | None
    target_ref: str | None        # the target branch's tip (for the backport guard)


def range_from(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> Range | None:
    """The commit range to check, from --from/--to or pre-commit's variables.

    pre-commit's pre-push sets PRE_COMMIT_FROM_REF/TO_REF, except on a push that
    includes the root commit, where it only sets PRE_COMMIT_REMOTE_*: then the range
    is every commit of the pushed branch that no remote-tracking ref has.
    """
    env = os.environ if env is None else env
    from_ref = getattr(args, 'from_ref', None) or env.get('PRE_COMMIT_FROM_REF') or None
    to_ref = getattr(args, 'to_ref', None) or env.get('PRE_COMMIT_TO_REF') or None
    if from_ref or to_ref:
        if from_ref and not getattr(args, 'from_ref', None) and is_first_push(
                from_ref, to_ref or 'HEAD', env):
            return Range(None, to_ref or 'HEAD', env.get('PRE_COMMIT_REMOTE_NAME'))
        return Range(from_ref, to_ref or 'HEAD')
    if env.get('PRE_COMMIT_REMOTE_BRANCH') or env.get('PRE_COMMIT_REMOTE_NAME'):
        local = env.get('PRE_COMMIT_LOCAL_BRANCH') or 'HEAD'
        return Range(None, local, env.get('PRE_COMMIT_REMOTE_NAME') or None)
    return None


def message_file(repo: Repo, filenames: Sequence[str]) -> str | None:
    """At the commit-msg stage pre-commit passes the message file, which lives in
    the git dir; an ordinary staged file never does."""
    if len(filenames) != 1:
        return None
    full = Path(os.path.abspath(filenames[0]))
    for d in (repo.git_dir, repo.common_dir):
        try:
            full.relative_to(os.path.abspath(d))
        except ValueError:
            continue
        return str(full)
    return None


def finish(
        *,
        hook: str,
        repo: Repo | None,
        config: Config,
        args: argparse.Namespace,
        findings: Sequence[Finding],
        rules: Mapping[str, Rule],
        mode: str,
        commit_range: str | None = None,
        notes: Sequence[str] = (),
) -> int:
    """Print the report, append the audit line, and return the exit code."""
    emit(findings, rules, fmt=args.format, output=args.output, notes=notes)
    code = BLOCKED if blocked(list(findings)) else PASS
    if repo is not None and config.report.audit:
        record = AuditRecord(
            hook=hook, mode=mode, repository=str(repo.root),
            ref=repo.current_branch(), commit_range=commit_range,
            outcome='blocked' if code else 'pass', findings=findings, exit_code=code,
        )
        try_append_audit(audit_path(repo.state_dir, repo.root, config.report.audit_log),
                         record, hook)
    return code
