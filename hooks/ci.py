"""commit-warden ci: every check over a pull request's commits, under the target's policy.

Local hooks can be skipped (`--no-verify`, `SKIP=`); this cannot. It judges
`merge-base(base, head)..head` with the policy, baseline, allowed signers and keys
as committed at the merge base, so a pull request cannot relax what judges it.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from hooks import config as cfg
from hooks.auditlog import AuditRecord
from hooks.auditlog import audit_path
from hooks.auditlog import try_append_audit
from hooks.cirange import CiRange
from hooks.cirange import find_range
from hooks.findings import BLOCKED
from hooks.findings import PASS
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.findings import boundary
from hooks.findings import write_raw
from hooks.formats import to_markdown
from hooks.git import Repo
from hooks.hook import BRANCH_OPTIONS
from hooks.hook import Context
from hooks.hook import Hook
from hooks.hook import registered
from hooks.report import CI_FORMATS
from hooks.report import append_summary
from hooks.report import redacted
from hooks.report import render
from hooks.report import use_color
from hooks.report import write_report
from hooks.runner import run_check

PROG = 'commit-warden ci'
HOOK = 'commit-warden-ci'

RULES = {
    'policy-changed': Rule(
        'policy-changed', HOOK, 'Policy changed in the pull request',
        'The pull request changes a file that decides how it is judged (the policy, the '
        'secrets baseline, the allowed signers or the trusted keys). It is still judged '
        'by the target branch\'s version of those files.',
        'Have the change reviewed by the policy owners and merge it on its own, before '
        'the changes that need it.'),
}


def policy_changes(repo: Repo, rng: CiRange, trusted: cfg.Config,
                   config_path: str | None = None) -> list[str]:
    watched = set(cfg.policy_files(trusted))
    named = config_path or os.environ.get(cfg.ENV_VAR)
    if named:
        watched.add(cfg.repo_relative(repo, named))
    changed = repo.changed_paths(rng.base, rng.head)
    out = []
    for path in changed:
        if path in watched or any(path.startswith(w.rstrip('/') + '/') for w in watched):
            out.append(path)
    return out


def _policy_finding(paths: Sequence[str], mode: str) -> Finding:
    return Finding(
        hook=HOOK, rule='policy-changed', severity='high' if mode == 'block' else 'low',
        path=paths[0], line=None,
        message=f'the pull request changes the policy that judges it: {", ".join(paths)}\n'
                'it is still judged by the target branch\'s policy; merge policy changes '
                'on their own, reviewed by the policy owners')


def _options(hook: Hook, config_path: str | None, base: str) -> argparse.Namespace:
    """A hook's options as `commit-warden ci` runs it: its defaults."""
    values = {o.dest: (False if o.metavar is None else None) for o in hook.options}
    return argparse.Namespace(**values, config=config_path, policy_ref=base,
                              format='text', output=None, filenames=[])


@dataclass(frozen=True)
class CiResult:
    findings: list[Finding]
    rules: dict[str, Rule]
    trusted: cfg.Config     # the policy as committed at the merge base
    commits: int


def run_ci(repo: Repo, rng: CiRange, *, config_path: str | None = None) -> CiResult:
    trusted = cfg.load(repo, path=config_path, policy_ref=rng.base)
    findings: list[Finding] = []
    rules: dict[str, Rule] = dict(RULES)
    changed = policy_changes(repo, rng, trusted, config_path)
    if changed:
        findings.append(_policy_finding(changed, trusted.report.policy_changes))
    # Every hook with a range check that the target's policy has on, in one order.
    for hook in registered():
        if hook.check_range is None or not trusted.runs(hook.id):
            continue
        ctx = Context(
            repo=repo, config=trusted, stage='ci', mode='range',
            options=_options(hook, config_path, rng.base), range=rng.range,
            policy_ref=rng.base, target_branch=rng.target_branch,
            source_branch=rng.source_branch, target_ref=rng.target_ref)
        outcome = run_check(hook, ctx)
        findings.extend(outcome.findings)
        rules.update(outcome.rules)
    findings.sort(key=lambda f: (f.hook, f.commit or '', f.path, f.line or 0))
    commits = len(repo.commits_in_range(rng.range.from_ref, rng.head, rng.range.exclude))
    return CiResult(findings, rules, trusted, commits)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split('\n', 1)[0])
    parser.add_argument('--base', metavar='REF',
                        help='the branch the pull request targets (default: from the CI '
                             'environment: GITHUB_BASE_REF, CI_MERGE_REQUEST_DIFF_BASE_SHA, '
                             'the push event\'s before)')
    parser.add_argument('--head', metavar='REF', help='the pull request head (default: HEAD)')
    for option in BRANCH_OPTIONS:
        parser.add_argument(option.flag, metavar=option.metavar, help=option.help)
    parser.add_argument('--config', metavar='PATH',
                        help='policy file path, read at the merge base')
    parser.add_argument('--format', action='append', choices=CI_FORMATS,
                        help='report format; repeat with --output for several reports')
    parser.add_argument('--output', action='append', metavar='PATH',
                        help='where to write the report of the matching --format')
    args = parser.parse_args(argv)
    formats = args.format or ['text']
    outputs = args.output or []
    if len(outputs) > len(formats):
        parser.error('each --output needs a --format before it')

    def run() -> int:
        repo = Repo.discover()
        rng = find_range(repo, base=args.base, head=args.head,
                         target_branch=args.target_branch, source_branch=args.source_branch)
        result = run_ci(repo, rng, config_path=args.config)
        findings, _ = redacted(result.findings)
        rules = result.rules
        color = use_color(sys.stdout)
        to_stdout = [fmt for i, fmt in enumerate(formats) if i >= len(outputs)]
        for fmt, path in zip(formats, outputs, strict=False):
            write_report(path, render(fmt, findings, rules))
        for fmt in to_stdout or ['text']:
            text = render(fmt, findings, rules, color=color)
            # Annotations are workflow commands on purpose; everything else is made inert.
            write_raw(sys.stdout, text) if fmt == 'github' else sys.stdout.write(text)
        code = BLOCKED if blocked(findings) else PASS
        target = f' (target {rng.target_branch})' if rng.target_branch else ''
        # JSON or SARIF on stdout must stay parseable: the verdict line goes to stderr.
        machine = any(f != 'text' for f in to_stdout)
        print(f'{PROG}: {"blocked" if code else "passed"}: {result.commits} commits of '
              f'{rng.base[:12]}..{rng.head[:12]} judged by the policy at '
              f'{rng.base[:12]}{target}', file=sys.stderr if machine else sys.stdout)
        summary = os.environ.get('GITHUB_STEP_SUMMARY')
        if summary:
            append_summary(summary, to_markdown(findings), PROG)
        if result.trusted.report.audit:
            log = result.trusted.report.audit_log
            try_append_audit(lambda: audit_path(repo, log), AuditRecord(
                hook=HOOK, mode='ci', stage='ci', repository=str(repo.root),
                ref=rng.target_branch, commit_range=f'{rng.base}..{rng.head}',
                outcome='blocked' if code else 'pass',
                findings=findings, exit_code=code), PROG)
        return code

    return boundary(PROG, run)

