"""Regexes compiled on first use: hundreds are declared at import, a run needs few."""

from __future__ import annotations

import re
from collections.abc import Iterator


class Regex:
    """A regex compiled on first use.

    Hundreds of provider rules, and the engine's own regexes, are declared at import;
    a scan runs only the few whose keywords occurred (a file that is not YAML never
    needs the YAML ones), so only those pay for ``re.compile``; every hook's output
    passes the engine, so its start-up matters to all of them.
    """

    __slots__ = ('_compiled', 'flags', 'pattern')

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def finditer(
        self,
        text: str,
        pos: int = 0,
        endpos: int = 2**63 - 1,
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled.search(text, pos)

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled.match(text, pos)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(text)

    def __repr__(self) -> str:
        return f'Regex({self.pattern!r})'


def rx(pattern: str, flags: int = 0) -> Regex:
    return Regex(pattern, flags)
