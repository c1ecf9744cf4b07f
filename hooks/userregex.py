"""Regexes users write in the policy, run with a time bound.

Python's `re` has no timeout, so a pattern like `(a|aa)*b` can take exponential
time on a near-miss and hang a commit. User patterns run on the `regex` module
instead (re-compatible syntax, far less backtracking, and a per-call timeout);
a search that runs out of time is reported by the caller, never silently
treated as "no match" where that would let something through.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from hooks.errors import FatalError

# Per search call, on one line (or one window of a long line).
TIMEOUT = 0.25


class PatternTimeout(FatalError):
    """A user pattern ran out of time: a policy problem (exit 2) that blocks, and
    whose message names the pattern and where, never the text it ran on."""


@functools.lru_cache(maxsize=1)
def _regex() -> Any:
    import regex

    return regex


@dataclass(frozen=True)
class UserRegex:
    source: str
    _compiled: Any = field(repr=False, compare=False)

    @classmethod
    def compile(cls, source: str) -> UserRegex:
        return cls(source, _regex().compile(source, _regex().VERSION0))

    @property
    def groups(self) -> int:
        return int(self._compiled.groups)

    def search(self, text: str) -> Any:
        try:
            return self._compiled.search(text, timeout=TIMEOUT)
        except TimeoutError as e:
            raise PatternTimeout(f'the pattern {self.source!r} took too long') from e

    def finditer(self, text: str) -> Iterator[Any]:
        try:
            yield from self._compiled.finditer(text, timeout=TIMEOUT)
        except TimeoutError as e:
            raise PatternTimeout(f'the pattern {self.source!r} took too long') from e


def syntax_error(source: str) -> str | None:
    """None if `regex` accepts the pattern; otherwise its complaint."""
    try:
        _regex().compile(source, _regex().VERSION0)
    except _regex().error as e:
        return str(e)
    return None
