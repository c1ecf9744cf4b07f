"""The Hook protocol: what a hook is to the runner, and the one context it checks.

A hook is a package of `hooks/` whose `__init__` defines `HOOK = Hook(...)`: its
id (the manifest id and console script), its rules, and any of three checks, each
a function of one `Context` returning an `Outcome`. The runner (hooks.runner) does
everything around a check: arguments, stage, policy, errors, reports, audit.
`commit-warden ci` calls the same `check_range` of every hook the policy has on;
`commit-warden config` and check-warden-config call each hook's `check_policy`.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import NamedTuple

from hooks.findings import Finding
from hooks.findings import Rule

if TYPE_CHECKING:
    import argparse

    from hooks.config import Config
    from hooks.errors import Problem
    from hooks.git import Repo

# Where a hook runs: pre-commit's stages it is installed for, by hand, or in CI.
STAGES = ('pre-commit', 'commit-msg', 'pre-push', 'manual', 'ci')


class Range(NamedTuple):
    from_ref: str | None  # None: a new branch, every commit on no remote-tracking ref
    to_ref: str
    remote: str | None = None
    exclude: tuple[str, ...] | None = None  # set: TO minus FROM and these, not the remotes

    def __str__(self) -> str:
        return f'{self.from_ref or "(new branch)"}..{self.to_ref}'


class Context(NamedTuple):
    """Everything a check may look at; built by the runner (or `commit-warden ci`)."""

    repo: Repo
    config: Config  # the whole effective policy; a hook reads its section
    stage: str  # one of STAGES
    mode: str  # 'staged', 'message' or 'range'
    options: argparse.Namespace  # the hook's own command-line options
    filenames: tuple[str, ...] = ()  # staged mode: what pre-commit passed
    message_file: str | None = None  # message mode: the commit message file
    range: Range | None = None  # range mode: the commits to judge
    policy_ref: str | None = None  # the policy, baseline and trust files were read here
    target_branch: str | None = None  # the branch the commits go to (a PR's target)
    source_branch: str | None = None  # the branch they come from, when known
    target_ref: str | None = None  # CI: the target branch's tip (the backport guard)
    use_cache: bool = True


class Outcome(NamedTuple):
    """What a check found. The runner applies the policy's block/warn/off to it."""

    findings: Sequence[Finding] = ()
    notes: Sequence[str] = ()
    rules: Mapping[str, Rule] = {}  # rules found on the way (e.g. one per detector hit)
    mode: str | None = None  # the audit's mode, when not the context's
    commit_range: str | None = None  # the audit's range, when not the context's


Check = Callable[[Context], Outcome]


class Option(NamedTuple):
    """A command-line option of one hook (a flag when `metavar` is None)."""

    flag: str
    help: str
    metavar: str | None = None

    @property
    def dest(self) -> str:
        return self.flag.lstrip('-').replace('-', '_')


class Command(NamedTuple):
    """A `commit-warden NAME` subcommand; `target` is 'module:function(argv) -> int',
    imported only when the subcommand runs."""

    name: str
    help: str
    target: str


class Hook(NamedTuple):
    id: str  # manifest id, console script, audit and report name
    description: str  # one line, for --help
    rules: Mapping[str, Rule]  # every rule it reports (dynamic ones: Outcome.rules)
    check_staged: Check | None = None  # pre-commit: what the index adds
    check_message: Check | None = None  # commit-msg: the message being written
    check_range: Check | None = None  # pre-push, --from/--to, CI: each commit of a range
    options: tuple[Option, ...] = ()
    commands: tuple[Command, ...] = ()
    # Rule ids the policy may name under `rules:` when `rules` is not all of them
    # (credentials: one per detector); asked only when the policy names some.
    rule_ids: Callable[[Config], Collection[str]] | None = None
    # False: the hook judges the policy file itself and runs on the defaults.
    reads_policy: bool = True
    # Problems in the files the policy names that the schema cannot see (e.g. lines
    # ssh-keygen rejects in allowed_signers), read at the policy ref when one is
    # given; `commit-warden config` and check-warden-config report them.
    check_policy: Callable[[Repo, Config, str | None], Sequence[Problem]] | None = None


# For hooks whose rules depend on where commits go (hotfixes); `commit-warden ci`
# has the same two options.
BRANCH_OPTIONS = (
    Option(
        '--target-branch',
        'the branch the commits go to, for the hotfix rules (a pull '
        "request's target; default: from pre-commit or the CI: $PRE_COMMIT_REMOTE_BRANCH, "
        '$GITHUB_BASE_REF, $CI_MERGE_REQUEST_TARGET_BRANCH_NAME)',
        'NAME',
    ),
    Option(
        '--source-branch',
        'the branch the commits come from (default: '
        '$PRE_COMMIT_LOCAL_BRANCH, $GITHUB_HEAD_REF, $CI_MERGE_REQUEST_SOURCE_BRANCH_NAME)',
        'NAME',
    ),
)


def registered() -> list[Hook]:
    """Every hook: each package of `hooks` whose `__init__` defines HOOK, by id.

    Adding a hook is adding such a package (and its manifest entry): the runner,
    `commit-warden ci`, the policy's `checks:` and the cli find it here.
    """
    import importlib
    import pkgutil

    import hooks

    found = []
    for info in pkgutil.iter_modules(hooks.__path__, 'hooks.'):
        if info.ispkg:
            hook = getattr(importlib.import_module(info.name), 'HOOK', None)
            if isinstance(hook, Hook):
                found.append(hook)
    return sorted(found, key=lambda h: h.id)
