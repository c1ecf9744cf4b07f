"""The typed errors library code raises; `hooks.findings.boundary` maps them to exit codes."""

from __future__ import annotations

from typing import NamedTuple

REPORT_URL = 'https://github.com/commit-warden/commit-warden/issues'


class FatalError(RuntimeError):
    """Something the user must fix before the hook can judge anything (exit 2)."""

    exit_code = 2


class Problem(NamedTuple):
    source: str  # the file as shown to the user (a path, or REF:path)
    line: int
    message: str  # starts with the key path where there is one

    def __str__(self) -> str:
        return f'{self.source}:{self.line}: {self.message}'


class ConfigError(FatalError):
    """The policy file is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | list[str]) -> None:
        self.problems = tuple(p if isinstance(p, Problem) else Problem('', 0, p) for p in problems)
        super().__init__('\n'.join(str(p) if p.source else p.message for p in self.problems))


class GitError(FatalError):
    """git is missing, this is not a repository, or git refused a command."""


class ShallowError(GitError):
    """What is needed lies beyond a shallow clone's boundary. `what` says what is
    missing; the message adds `fix`, the local way to fetch it, which `commit-warden
    ci` replaces with the fix in its own CI's terms."""

    def __init__(self, what: str, fix: str | None = None) -> None:
        self.what = what
        super().__init__(f'{what}. {fix}' if fix else what)


class InternalError(FatalError):
    """commit-warden met something it does not understand, so nothing could be
    judged (exit 3): fail closed, and say what to report. Never a pass, and never
    exit 2, which would tell the user the fault is theirs."""

    exit_code = 3

    def __init__(self, what: str) -> None:
        super().__init__(
            f'{what}; the commit is blocked because it could not be checked. Please report '
            f'this at {REPORT_URL} with this message, the output of `git --version` and '
            '`commit-warden version`'
        )


class DiffParseError(InternalError):
    """git produced diff output the parser does not understand."""
