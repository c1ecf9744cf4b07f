"""commit-warden ci: every check over a pull request's commits, under the target's policy.

Local hooks can be skipped (`--no-verify`, `SKIP=`); this cannot. It judges
`merge-base(base, head)..head` with the policy, baseline, allowed signers and keys
as committed at the merge base, so a pull request cannot relax what judges it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from hooks import config as cfg
from hooks.auditlog import AuditRecord
from hooks.auditlog import audit_path
from hooks.auditlog import try_append_audit
from hooks.errors import FatalError
from hooks.findings import BLOCKED
from hooks.findings import INTERNAL
from hooks.findings import PASS
from hooks.findings import REPORT_URL
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.findings import boundary
from hooks.formats import RunError
from hooks.formats import to_markdown
from hooks.git import Repo
from hooks.git import is_null
from hooks.hook import BRANCH_OPTIONS
from hooks.hook import Context
from hooks.hook import Hook
from hooks.hook import Range
from hooks.hook import registered
from hooks.report import CI_FORMATS
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


@dataclass(frozen=True)
class CiRange:
    base: str                  # the merge base: the trusted policy lives here
    head: str
    target_ref: str            # the target branch's tip (for the backport guard)
    target_branch: str | None  # e.g. 'production', for the hotfix rules
    source_branch: str | None  # the pull request's branch, when known

    @property
    def range(self) -> Range:
        return Range(self.base, self.head)


def _branch_name(ref: str | None) -> str | None:
    if not ref:
        return None
    for prefix in ('refs/heads/', 'refs/remotes/origin/', 'remotes/origin/', 'origin/'):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    return ref


def _github_event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get('GITHUB_EVENT_PATH')
    if not path:
        return {}
    try:
        event = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}


def _dig(event: Mapping[str, Any], *keys: str) -> str | None:
    value: Any = event
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) and value else None


def _github_pr_head(repo: Repo, event: Mapping[str, Any], base: str) -> str | None:
    """The pull request's own head. actions/checkout checks out GitHub's test merge
    (refs/pull/N/merge), an unsigned merge commit nobody wrote: judging it would
    block every pull request."""
    sha = _dig(event, 'pull_request', 'head', 'sha')
    if sha and repo.resolve(sha):
        return sha
    head = repo.commit_infos([repo.require('HEAD')])[0]
    if len(head.parents) == 2 and head.parents[0] == repo.resolve(base):
        return head.parents[1]  # the test merge: the base's tip first, the PR's head second
    return None


def find_range(repo: Repo, *, base: str | None, head: str | None,
               target_branch: str | None = None, source_branch: str | None = None,
               env: Mapping[str, str] | None = None) -> CiRange:
    """The pull request's range from the arguments or the CI's environment."""
    env = os.environ if env is None else env
    head = head or 'HEAD'
    base_ref: str | None = base
    target = target_branch
    source = source_branch
    if base is None:
        event = _github_event(env) if env.get('GITHUB_ACTIONS') else {}
        default = (_dig(event, 'repository', 'default_branch')
                   or env.get('CI_DEFAULT_BRANCH') or 'main')
        if env.get('GITHUB_BASE_REF'):
            base = f'origin/{env["GITHUB_BASE_REF"]}'
            target = target or env['GITHUB_BASE_REF']
            source = source or env.get('GITHUB_HEAD_REF')
            if head == 'HEAD':
                head = _github_pr_head(repo, event, base) or head
        elif env.get('CI_MERGE_REQUEST_DIFF_BASE_SHA'):
            base = env['CI_MERGE_REQUEST_DIFF_BASE_SHA']
            target = target or env.get('CI_MERGE_REQUEST_TARGET_BRANCH_NAME')
            source = source or env.get('CI_MERGE_REQUEST_SOURCE_BRANCH_NAME')
        elif env.get('GITHUB_ACTIONS') and _dig(event, 'before'):
            base = _dig(event, 'before')
            target = target or env.get('GITHUB_REF_NAME')
        elif env.get('CI_COMMIT_BEFORE_SHA'):
            base = env['CI_COMMIT_BEFORE_SHA']
            target = target or env.get('CI_COMMIT_BRANCH')
        else:
            raise FatalError(
                'cannot tell which commits to check: pass --base REF (the branch the pull '
                'request targets, e.g. --base origin/main)')
        if base is not None and (is_null(base) or repo.resolve(base) is None):
            # A push that creates a branch, or one whose `before` a force-push made
            # unreachable (no fetch brings it back): judge it against the default
            # branch.
            base = f'origin/{default}'
        base_ref = base
    else:
        target = target or _branch_name(base)
    assert base_ref is not None
    head_sha = repo.require(head)
    base_sha = repo.require(base_ref)
    merge_base = repo.merge_base(base_sha, head_sha)
    if merge_base is None:
        hint = (' This clone is shallow: fetch the history with `git fetch --unshallow` '
                '(GitHub Actions: `fetch-depth: 0` in actions/checkout).'
                if repo.is_shallow() else '')
        raise FatalError(f'{base} and {head} have no common ancestor, so the pull request '
                         f'cannot be told apart from the target.{hint}')
    return CiRange(merge_base, head_sha, base_sha, target, source)


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
    notes: list[str] = field(default_factory=list)       # what the hooks add (the fix)
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
            repo=repo, config=trusted, stage='ci', mode='range',
            options=_options(hook, config_path, rng.base), range=rng.range,
            policy_ref=rng.base, target_branch=rng.target_branch,
            source_branch=rng.source_branch, target_ref=rng.target_ref)
        outcome = run_check(hook, ctx)
        findings.extend(outcome.findings)
        rules.update(outcome.rules)
        # What a hook says beside its findings (check-signatures' rebase that fixes
        # every commit at once) is said here too.
        notes.extend(f'{hook.id}: {n}' for n in outcome.notes)
        durations[hook.id] = time.monotonic() - started
    findings.sort(key=lambda f: (f.hook, f.commit or '', f.path, f.line or 0))
    commits = len(repo.rev_list(f'{rng.base}..{rng.head}'))
    return CiResult(findings, rules, trusted, commits, notes, durations)


ON_BLOCK_TIMEOUT = 300  # seconds: a paging script must not hold the pipeline forever


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
    parser.add_argument('--on-block', metavar='CMD',
                        help='when the run blocks, run CMD (split like a shell would, not '
                             'run by one) with the JSON report on its standard input; its '
                             'exit status is logged and never changes the verdict')
    args = parser.parse_args(argv)
    formats = args.format or ['text']
    outputs = args.output or []
    if len(outputs) > len(formats):
        parser.error('each --output needs a --format before it')

    def run() -> int:
        try:
            return _run(args, formats, outputs)
        except FatalError as e:
            _error_reports(formats, outputs, _run_error(e, e.exit_code))
            raise
        except Exception as e:
            # Not the exception's text: it could quote what was being checked.
            _error_reports(formats, outputs, RunError(
                INTERNAL, f'internal error ({type(e).__name__}); nothing was checked, so the '
                          f'run fails closed. The job log has where it happened; please '
                          f'report it at {REPORT_URL}'))
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
    for fmt in formats[len(outputs):]:
        if fmt != 'text':  # text: the boundary's own line says it
            sys.stdout.write(render(fmt, [], {}, error=error))
    _step_summary(to_markdown([], error=error))


def _step_summary(text: str) -> None:
    summary = os.environ.get('GITHUB_STEP_SUMMARY')
    if not summary:
        return
    try:
        with open(summary, 'a', encoding='utf-8') as f:
            f.write(text)
    except OSError as e:
        print(f'{PROG}: cannot write the step summary {summary}: {e.strerror or e}',
              file=sys.stderr)


def _run(args: argparse.Namespace, formats: Sequence[str], outputs: Sequence[str]) -> int:
    from hooks.anchors import anchor_findings

    repo = Repo.discover()
    rng = find_range(repo, base=args.base, head=args.head,
                     target_branch=args.target_branch, source_branch=args.source_branch)
    result = run_ci(repo, rng, config_path=args.config)
    findings = anchor_findings(repo, rng.head, result.findings)
    rules, notes = result.rules, result.notes
    color = use_color(sys.stdout)
    to_stdout = [fmt for i, fmt in enumerate(formats) if i >= len(outputs)]
    for fmt, path in zip(formats, outputs, strict=False):
        write_report(path, render(fmt, findings, rules, notes=notes,
                                  durations=result.durations))
    for fmt in to_stdout or ['text']:
        sys.stdout.write(render(fmt, findings, rules, color=color, notes=notes,
                                durations=result.durations))
    code = BLOCKED if blocked(findings) else PASS
    target = f' (target {rng.target_branch})' if rng.target_branch else ''
    # JSON or SARIF on stdout must stay parseable: the verdict line goes to stderr.
    machine = any(f != 'text' for f in to_stdout)
    print(f'{PROG}: {"blocked" if code else "passed"}: {result.commits} commits of '
          f'{rng.base[:12]}..{rng.head[:12]} judged by the policy at '
          f'{rng.base[:12]}{target}', file=sys.stderr if machine else sys.stdout)
    _step_summary(to_markdown(findings, notes=notes))
    on_block = None
    if code == BLOCKED and args.on_block:
        on_block = run_on_block(args.on_block, render('json', findings, rules, notes=notes))
    if result.trusted.report.audit:
        log = audit_path(repo.state_dir, repo.root, result.trusted.report.audit_log)
        try_append_audit(log, AuditRecord(
            hook=HOOK, mode='ci', stage='ci', repository=str(repo.root),
            ref=rng.target_branch, commit_range=f'{rng.base}..{rng.head}',
            outcome='blocked' if code else 'pass',
            findings=findings, exit_code=code, on_block=on_block), PROG)
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
            proc = subprocess.run(argv, input=report.encode(), timeout=ON_BLOCK_TIMEOUT,
                                  check=False)
            status = f'exited {proc.returncode}'
        except subprocess.TimeoutExpired:
            status = f'stopped after {ON_BLOCK_TIMEOUT} s'
        except OSError as e:
            status = f'not run: {e.strerror or e}'
    print(f'{PROG}: --on-block {status}; the verdict stands (blocked)', file=sys.stderr)
    return status
