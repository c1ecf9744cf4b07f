"""commit-warden ci: every check over a pull request's commits, under the target's policy.

Local hooks can be skipped (`--no-verify`, `SKIP=`); this cannot. It judges
`merge-base(base, head)..head` with the policy, baseline, allowed signers and keys
as committed at the merge base, so a pull request cannot relax what judges it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from hooks import config as cfg
from hooks.auditlog import AuditRecord
from hooks.auditlog import audit_path
from hooks.auditlog import try_append_audit
from hooks.cievents import current_ci
from hooks.cievents import find_range
from hooks.cirange import CiRange
from hooks.cirange import ci_fix
from hooks.errors import FatalError
from hooks.errors import ShallowError
from hooks.findings import BLOCKED
from hooks.findings import INTERNAL
from hooks.findings import PASS
from hooks.findings import REPORT_URL
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.findings import boundary
from hooks.findings import write_raw
from hooks.formats import RunError
from hooks.formats import to_markdown
from hooks.git import Repo
from hooks.hook import BRANCH_OPTIONS
from hooks.hook import Context
from hooks.hook import Hook
from hooks.hook import registered
from hooks.report import append_summary
from hooks.report import redacted
from hooks.report import render
from hooks.report import use_color
from hooks.report import write_report
from hooks.runner import add_policy_args
from hooks.runner import add_report_args
from hooks.runner import report_targets
from hooks.runner import run_check

PROG = 'commit-warden ci'
HOOK = 'commit-warden-ci'

RULES = {
    'policy-changed': Rule(
        'policy-changed',
        HOOK,
        'Policy changed in the pull request',
        'The pull request changes a file that decides how it is judged (the policy, the '
        'secrets baseline, the allowed signers or the trusted keys). It is still judged '
        "by the target branch's version of those files.",
        'Have the change reviewed by the policy owners and merge it on its own, before '
        'the changes that need it.',
    ),
}


def policy_changes(
    repo: Repo, rng: CiRange, trusted: cfg.Config, config_path: str | None = None
) -> list[str]:
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
        hook=HOOK,
        rule='policy-changed',
        severity='high' if mode == 'block' else 'low',
        path=paths[0],
        line=None,
        message=f'the pull request changes the policy that judges it: {", ".join(paths)}\n'
        "it is still judged by the target branch's policy; merge policy changes "
        'on their own, reviewed by the policy owners',
    )


def _options(hook: Hook, config_path: str | None, base: str) -> argparse.Namespace:
    """A hook's options as `commit-warden ci` runs it: its defaults."""
    values = {o.dest: (False if o.metavar is None else None) for o in hook.options}
    return argparse.Namespace(
        **values, config=config_path, policy_ref=base, format='text', output=None, filenames=[]
    )


@dataclass(frozen=True)
class CiResult:
    findings: list[Finding]
    rules: dict[str, Rule]
    trusted: cfg.Config  # the policy as committed at the merge base
    commits: int
    notes: list[str] = field(default_factory=list)  # what the hooks add (the fix)
    durations: dict[str, float] = field(default_factory=dict)  # seconds, per hook


def run_ci(repo: Repo, rng: CiRange, *, config_path: str | None = None) -> CiResult:
    trusted = cfg.load(repo, path=config_path, policy_ref=rng.base)
    findings: list[Finding] = []
    rules: dict[str, Rule] = dict(RULES)
    changed = policy_changes(repo, rng, trusted, config_path)
    if changed:
        findings.append(_policy_finding(changed, trusted.report.policy_changes))
    notes: list[str] = []
    durations: dict[str, float] = {}
    # Every hook with a range check that the target's policy has on, in one order.
    for hook in registered():
        if hook.check_range is None or not trusted.runs(hook.id):
            continue
        started = time.monotonic()
        ctx = Context(
            repo=repo,
            config=trusted,
            stage='ci',
            mode='range',
            options=_options(hook, config_path, rng.base),
            range=rng.range,
            policy_ref=rng.base,
            target_branch=rng.target_branch,
            source_branch=rng.source_branch,
            target_ref=rng.target_ref,
        )
        outcome = run_check(hook, ctx)
        findings.extend(outcome.findings)
        rules.update(outcome.rules)
        # What a hook says beside its findings (check-signatures' rebase that fixes
        # every commit at once) is said here too.
        notes.extend(f'{hook.id}: {n}' for n in outcome.notes)
        durations[hook.id] = time.monotonic() - started
    findings.sort(key=lambda f: (f.hook, f.commit or '', f.path, f.line or 0))
    commits = len(repo.commits_in_range(rng.range.from_ref, rng.head, rng.range.exclude))
    return CiResult(findings, rules, trusted, commits, notes, durations)


ON_BLOCK_TIMEOUT = 300  # seconds: a paging script must not hold the pipeline forever


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split('\n', 1)[0])
    parser.add_argument(
        '--base',
        metavar='REF',
        help='the branch the pull request targets (default: from the CI '
        'environment: GITHUB_BASE_REF, CI_MERGE_REQUEST_DIFF_BASE_SHA, '
        "the push event's before)",
    )
    parser.add_argument('--head', metavar='REF', help='the pull request head (default: HEAD)')
    for option in BRANCH_OPTIONS:
        parser.add_argument(option.flag, metavar=option.metavar, help=option.help)
    add_policy_args(
        parser, policy_ref=False, config_help='policy file path, read at the merge base'
    )
    add_report_args(parser)
    parser.add_argument(
        '--on-block',
        metavar='CMD',
        help='when the run blocks, run CMD (split like a shell would, not '
        'run by one) with the JSON report on its standard input; its '
        'exit status is logged and never changes the verdict',
    )
    args = parser.parse_args(argv)
    formats, outputs = report_targets(parser, args, default=['text'])

    def run() -> int:
        try:
            try:
                return _run(args, formats, outputs)
            except ShallowError as e:
                # Wherever the history ran out (the range, a hook's walk), the fix is
                # said in the terms of the CI this runs in.
                raise FatalError(ci_fix(e, current_ci())) from e
        except FatalError as e:
            _error_reports(formats, outputs, _run_error(e, e.exit_code))
            raise
        except Exception as e:
            # Not the exception's text: it could quote what was being checked.
            _error_reports(
                formats,
                outputs,
                RunError(
                    INTERNAL,
                    f'internal error ({type(e).__name__}); nothing was checked, so the '
                    f'run fails closed. The job log has where it happened; please '
                    f'report it at {REPORT_URL}',
                ),
            )
            raise

    return boundary(PROG, run)


def _run_error(e: FatalError, code: int) -> RunError:
    from hooks.errors import ConfigError

    if isinstance(e, ConfigError) and e.problems and e.problems[0].source:
        first = e.problems[0]
        source = first.source.split(':', 1)[-1] if ':' in first.source else first.source
        return RunError(code, str(e), source or None, first.line or None)
    return RunError(code, str(e))


def _error_reports(formats: Sequence[str], outputs: Sequence[str], error: RunError) -> None:
    """Every report asked for, saying that nothing was judged and why (the boundary
    prints the error itself). A report that cannot be written is said, not raised:
    the error being reported matters more."""
    for fmt, path in zip(formats, outputs, strict=False):
        try:
            write_report(path, render(fmt, [], {}, error=error))
        except FatalError as e:
            print(f'{PROG}: {e}', file=sys.stderr)
    for fmt in formats[len(outputs) :]:
        if fmt != 'text':  # text: the boundary's own line says it
            text = render(fmt, [], {}, error=error)
            write_raw(sys.stdout, text) if fmt == 'github' else sys.stdout.write(text)
    _step_summary(to_markdown([], error=error))


def _step_summary(text: str) -> None:
    summary = os.environ.get('GITHUB_STEP_SUMMARY')
    if summary:
        append_summary(summary, text, PROG)


def _run(args: argparse.Namespace, formats: Sequence[str], outputs: Sequence[str]) -> int:
    from hooks.anchors import anchor_findings

    repo = Repo.discover()
    rng = find_range(
        repo,
        base=args.base,
        head=args.head,
        target_branch=args.target_branch,
        source_branch=args.source_branch,
    )
    result = run_ci(repo, rng, config_path=args.config)
    findings, notes = redacted(anchor_findings(repo, rng.head, result.findings), result.notes)
    rules = result.rules
    color = use_color(sys.stdout)
    to_stdout = [fmt for i, fmt in enumerate(formats) if i >= len(outputs)]
    for fmt, path in zip(formats, outputs, strict=False):
        write_report(path, render(fmt, findings, rules, notes=notes, durations=result.durations))
    for fmt in to_stdout or ['text']:
        text = render(fmt, findings, rules, color=color, notes=notes, durations=result.durations)
        # Annotations are workflow commands on purpose; everything else is made inert.
        write_raw(sys.stdout, text) if fmt == 'github' else sys.stdout.write(text)
    code = BLOCKED if blocked(findings) else PASS
    target = f' (target {rng.target_branch})' if rng.target_branch else ''
    # JSON or SARIF on stdout must stay parseable: the verdict line goes to stderr.
    machine = any(f != 'text' for f in to_stdout)
    print(
        f'{PROG}: {"blocked" if code else "passed"}: {result.commits} commits of '
        f'{rng.base[:12]}..{rng.head[:12]} judged by the policy at '
        f'{rng.base[:12]}{target}',
        file=sys.stderr if machine else sys.stdout,
    )
    _step_summary(to_markdown(findings, notes=notes))
    on_block = None
    if code == BLOCKED and args.on_block:
        on_block = run_on_block(args.on_block, render('json', findings, rules, notes=notes))
    if result.trusted.report.audit:
        log = result.trusted.report.audit_log
        try_append_audit(
            lambda: audit_path(repo, log),
            AuditRecord(
                hook=HOOK,
                mode='ci',
                stage='ci',
                repository=str(repo.root),
                ref=rng.target_branch,
                commit_range=f'{rng.base}..{rng.head}',
                outcome='blocked' if code else 'pass',
                findings=findings,
                exit_code=code,
                on_block=on_block,
            ),
            PROG,
        )
    return code


def run_on_block(command: str, report: str) -> str:
    """Run the --on-block command with the JSON report on its standard input (its own
    output goes to the log), and say how it ended. The report holds what the other
    reports hold: masked previews and salted fingerprints, never a secret."""
    import shlex
    import subprocess

    try:
        argv = shlex.split(command)
    except ValueError as e:
        status = f'not run: cannot split the command ({e})'
    else:
        try:
            proc = subprocess.run(
                argv, input=report.encode(), timeout=ON_BLOCK_TIMEOUT, check=False
            )
            status = f'exited {proc.returncode}'
        except subprocess.TimeoutExpired:
            status = f'stopped after {ON_BLOCK_TIMEOUT} s'
        except OSError as e:
            status = f'not run: {e.strerror or e}'
    print(f'{PROG}: --on-block {status}; the verdict stands (blocked)', file=sys.stderr)
    return status
