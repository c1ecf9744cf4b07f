"""The one runner: how pre-commit's call (or a user's) becomes one hook check.

It owns everything around a check: the arguments (where nothing pre-commit
appends is taken for an option), the stage and mode, the policy, the error
boundary, the report, the audit line and the exit code. `commit-warden ci`
uses `run_check` for the same policy handling over a pull request's range.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hooks.findings import BLOCKED
from hooks.findings import PASS
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.findings import boundary
from hooks.hook import Context
from hooks.hook import Hook
from hooks.hook import Outcome
from hooks.hook import Range
from hooks.report import CI_FORMATS
from hooks.report import FORMATS

if TYPE_CHECKING:
    from hooks.config import Config
    from hooks.git import Repo


CONFIG_HELP = (
    'policy file (default: $COMMIT_WARDEN_CONFIG, then .commit-warden.yaml at the repository root)'
)


def add_policy_args(
    parser: argparse.ArgumentParser, *, policy_ref: bool = True, config_help: str = CONFIG_HELP
) -> None:
    """`--config` and `--policy-ref`: where the policy is read from, the same words
    for every hook and command that reads it (hooks.config.load takes both)."""
    parser.add_argument('--config', metavar='PATH', help=config_help)
    if policy_ref:
        parser.add_argument(
            '--policy-ref',
            metavar='REF',
            help='read the policy (and the files it names) as committed at '
            'REF, never from disk (CI: the merge base with the target '
            'branch)',
        )


def add_report_args(parser: argparse.ArgumentParser) -> None:
    """`--format` and `--output`, repeated in pairs: several reports from one run
    (`commit-warden ci`, `commit-warden scan`); see report_targets."""
    parser.add_argument(
        '--format',
        action='append',
        choices=CI_FORMATS,
        help='report format; repeat with --output for several reports',
    )
    parser.add_argument(
        '--output',
        action='append',
        metavar='PATH',
        help='where to write the report of the matching --format',
    )


def report_targets(
    parser: argparse.ArgumentParser, args: argparse.Namespace, default: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    """(formats, outputs) of add_report_args' options, paired in order: the formats
    past the last output go to stdout. An --output with no --format is a usage error."""
    formats = args.format or list(default)
    outputs = args.output or []
    if len(outputs) > len(formats):
        parser.error('each --output needs a --format before it')
    return formats, outputs


def add_common_args(parser: argparse.ArgumentParser) -> None:
    add_policy_args(parser)
    parser.add_argument(
        '--format', choices=FORMATS, default='text', help='output format (default: %(default)s)'
    )
    parser.add_argument(
        '--output',
        metavar='PATH',
        help='write the report to PATH only; the terminal gets one summary line',
    )


def add_range_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--from',
        dest='from_ref',
        metavar='REF',
        help='check the commits of FROM..TO (default: $PRE_COMMIT_FROM_REF)',
    )
    parser.add_argument(
        '--to',
        dest='to_ref',
        metavar='REF',
        help='end of the range (default: $PRE_COMMIT_TO_REF, else HEAD)',
    )


def build_parser(hook: Hook) -> argparse.ArgumentParser:
    # No abbreviations: every option a file name could be mistaken for is spelt out.
    parser = argparse.ArgumentParser(prog=hook.id, description=hook.description, allow_abbrev=False)
    parser.add_argument(
        'filenames',
        nargs='*',
        metavar='FILE',
        help='what pre-commit passes: staged files, or the commit message '
        'file at the commit-msg stage (`--` ends the options)',
    )
    add_common_args(parser)
    if hook.check_range is not None:
        add_range_args(parser)
    for option in hook.options:
        if option.metavar is None:
            parser.add_argument(option.flag, action='store_true', help=option.help)
        else:
            parser.add_argument(option.flag, metavar=option.metavar, help=option.help)
    return parser


def split_argv(parser: argparse.ArgumentParser, argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(option words, file names) of a command line.

    pre-commit runs `entry`, then the hook's `args:` (the manifest's are `--`), then
    the file names, each an existing path; a file may be called `--help`,
    `--from=HEAD` or `--`. So:

    - a `--` that names no file ends the options: before it every word is an
      option or its value (a file an attacker names `--config` cannot eat the
      team's `--config policy.yaml`), after it every word is a file name;
    - without one (a user's own `args:` that do not end in `--`), every word that
      names an existing path, and every word after the first file name, is a file
      name, never an option.
    """
    words = list(argv)
    if '--' in words and not os.path.lexists('--'):
        cut = words.index('--')
        return words[:cut], words[cut + 1 :]
    # argparse has no public way to ask which options take a value.
    takes_value = {s: a.nargs != 0 for a in parser._actions for s in a.option_strings}
    options: list[str] = []
    files: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if files:
            files.extend(words[i - 1 :])
            break
        if not word.startswith('-') or word == '-' or os.path.lexists(word):
            files.append(word)
            continue
        if word == '--':
            files.extend(words[i:])
            break
        options.append(word)
        flag = word.split('=', 1)[0]
        if takes_value.get(flag) and '=' not in word and i < len(words):
            options.append(words[i])
            i += 1
    return options, list(dict.fromkeys(files))


def parse_args(hook: Hook, argv: Sequence[str] | None) -> argparse.Namespace:
    import sys

    parser = build_parser(hook)
    options, files = split_argv(parser, sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(options)
    # Words before a `--` that parse as positionals are file names too.
    args.filenames = list(dict.fromkeys([*args.filenames, *files]))
    return args


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
        if from_ref and not getattr(args, 'from_ref', None):
            from hooks.git import is_first_push

            if is_first_push(from_ref, to_ref or 'HEAD', env):
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
    full = os.path.abspath(filenames[0])
    for d in (os.path.abspath(repo.git_dir), os.path.abspath(repo.common_dir)):
        try:
            if os.path.commonpath((full, d)) == d:
                return full
        except ValueError:  # another drive: not in the git dir
            continue
    return None


def context(
    hook: Hook,
    repo: Repo,
    config: Config,
    args: argparse.Namespace,
    env: Mapping[str, str] | None = None,
) -> Context:
    """Which stage this is and what to check, from the arguments and pre-commit's
    variables: a range first, then a commit message file, else the staged change."""
    env = os.environ if env is None else env
    rng = range_from(args, env) if hook.check_range is not None else None
    msg = message_file(repo, args.filenames) if rng is None else None
    if rng is not None:
        pushing = env.get('PRE_COMMIT_REMOTE_NAME') or env.get('PRE_COMMIT_REMOTE_BRANCH')
        stage, mode = ('pre-push' if pushing else 'manual'), 'range'
    elif msg is not None:
        stage, mode = 'commit-msg', 'message'
    else:
        stage, mode = ('pre-commit' if env.get('PRE_COMMIT') else 'manual'), 'staged'
    return Context(
        repo=repo,
        config=config,
        stage=stage,
        mode=mode,
        options=args,
        filenames=tuple(args.filenames),
        message_file=msg,
        range=rng,
        policy_ref=args.policy_ref,
        target_branch=(
            getattr(args, 'target_branch', None)
            or env.get('PRE_COMMIT_REMOTE_BRANCH')
            or env.get('GITHUB_BASE_REF')
            or env.get('CI_MERGE_REQUEST_TARGET_BRANCH_NAME')
            or None
        ),
        source_branch=(
            getattr(args, 'source_branch', None)
            or env.get('PRE_COMMIT_LOCAL_BRANCH')
            or env.get('GITHUB_HEAD_REF')
            or env.get('CI_MERGE_REQUEST_SOURCE_BRANCH_NAME')
            or None
        ),
        use_cache=not getattr(args, 'no_cache', False),
    )


def check_rule_ids(hook: Hook, config: Config) -> None:
    """Rule ids the policy names for this hook must exist (checked when it runs,
    since some hooks know their rules only by loading their detectors)."""
    named = config.rule_actions(hook.id)
    if not named:
        return
    known = set(hook.rules) | set(hook.rule_ids(config) if hook.rule_ids else ())
    for rule in named:
        if rule not in known:
            import difflib

            close = difflib.get_close_matches(rule, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ''
            raise config.problem(f'rules.{hook.id}.{rule}', f'{hook.id} has no rule {rule!r}{hint}')


def apply_policy(hook_id: str, config: Config, findings: Sequence[Finding]) -> list[Finding]:
    """Each finding as the policy says: dropped (`off`), reported only (`warn`), or
    blocking (`block`, the default)."""
    out = []
    for f in findings:
        action = config.action(hook_id, f.rule)
        if action == 'off':
            continue
        out.append(f if action == 'block' else f._replace(action=action))
    return out


def run_check(hook: Hook, ctx: Context) -> Outcome:
    """The check for the context's mode, with the policy applied to its findings.

    A hook without a staged check judges, at the staged stage, the commits the next
    push would carry (its range check over what no remote-tracking ref has).
    """
    check_rule_ids(hook, ctx.config)
    check = {'staged': hook.check_staged, 'message': hook.check_message, 'range': hook.check_range}[
        ctx.mode
    ]
    if check is None and ctx.mode == 'staged' and hook.check_range is not None:
        if ctx.repo.head() is None:
            return Outcome(notes=['no commits yet'], mode='range')
        ctx = ctx._replace(mode='range', range=Range(None, 'HEAD'))
        check = hook.check_range
    outcome = check(ctx) if check is not None else Outcome()
    rules = {**hook.rules, **outcome.rules}
    commit_range = outcome.commit_range or (str(ctx.range) if ctx.range else None)
    return outcome._replace(
        findings=apply_policy(hook.id, ctx.config, outcome.findings),
        rules=rules,
        mode=outcome.mode or ctx.mode,
        commit_range=commit_range,
    )


def main(hook: Hook, argv: Sequence[str] | None = None) -> int:
    """A hook's console script: parse and check inside the one error boundary (which
    also redacts everything printed, argparse's messages included)."""

    def run() -> int:
        args = parse_args(hook, argv)
        from hooks import config as cfg
        from hooks.git import Repo

        repo = Repo.discover()
        config = (
            cfg.load(repo, path=args.config, policy_ref=args.policy_ref)
            if hook.reads_policy
            else cfg.Config()
        )
        if not config.runs(hook.id):
            return PASS  # `checks: {id: off}`: the team has not adopted this check
        ctx = context(hook, repo, config, args)
        outcome = run_check(hook, ctx)
        return finish(
            hook=hook.id, repo=repo, config=config, args=args, stage=ctx.stage, outcome=outcome
        )

    return boundary(hook.id, run)


def finish(
    *,
    hook: str,
    repo: Repo | None,
    config: Config,
    args: argparse.Namespace,
    stage: str,
    outcome: Outcome,
) -> int:
    """Print the report, append the audit line, and return the exit code."""
    from hooks.auditlog import AuditRecord
    from hooks.auditlog import audit_path
    from hooks.auditlog import try_append_audit
    from hooks.report import emit

    findings = list(outcome.findings)
    rules: Mapping[str, Rule] = outcome.rules
    emit(findings, rules, fmt=args.format, output=args.output, notes=outcome.notes, prog=hook)
    code = BLOCKED if blocked(findings) else PASS
    if repo is not None and config.report.audit:
        record = AuditRecord(
            hook=hook,
            mode=outcome.mode or 'staged',
            stage=stage,
            repository=str(repo.root),
            ref=repo.current_branch(),
            commit_range=outcome.commit_range,
            outcome='blocked' if code else 'pass',
            findings=findings,
            exit_code=code,
        )
        try_append_audit(lambda: audit_path(repo, config.report.audit_log), record, hook)
    return code
