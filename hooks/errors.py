"""The typed errors library code raises; `hooks.findings.boundary` maps them to exit codes."""
from __future__ import annotations

from typing import NamedTuple


class FatalError(RuntimeError):
    """Something the user must fix before the hook can judge anything (exit 2)."""

    exit_code = 2


class Problem(NamedTuple):
    source: str        # the file as shown to the user (a path, or REF:path)
    line: int
    message: str       # starts with the key path where there is one

    def __str__(self) -> str:
        return f'{self.source}:{self.line}: {self.message}'


class ConfigError(FatalError):
    """The policy file is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | list[str]) -> None:
        self.problems = tuple(
            p if isinstance(p, Problem) else Problem('', 0, p) for p in problems)
        super().__init__('\n'.join(
            str(p) if p.source else p.message for p in self.problems))


class GitError(FatalError):
    """git is missing, this is not a repository, or git refused a command."""
