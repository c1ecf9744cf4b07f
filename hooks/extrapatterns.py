"""The policy's extra_patterns (git-secrets --add): prohibited patterns run on every added line.

The scan engine (hooks.scan) calls this only when the policy has such patterns,
so a policy without them never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import TYPE_CHECKING

from hooks.userregex import PatternTimeout

if TYPE_CHECKING:
    from hooks.filelines import FileLines
    from hooks.scan import Detection
    from hooks.userregex import UserRegex


def scan_extra(
    path: str,
    file: FileLines,
    extra_patterns: tuple[tuple[str, UserRegex], ...],
    allowed: Callable[[str, str], bool],
) -> Iterator[Detection]:
    """User patterns (git-secrets --add): run on every added line."""
    from hooks.filelines import is_allowlisted
    from hooks.scan import Detection
    from hooks.scan import windows

    if not extra_patterns:
        return
    for index, text in enumerate(file.texts):
        if not file.added[index] or is_allowlisted(file, index):
            continue
        seen: set[tuple[str, str]] = set()
        for _, chunk in windows(text):
            for name, pattern in extra_patterns:
                try:
                    matches = list(pattern.finditer(chunk))
                except PatternTimeout as e:
                    raise PatternTimeout(
                        f'{path}:{file.numbers[index]}: credentials.extra_patterns.{name}: '
                        f'{e}; simplify it (nothing was checked)'
                    ) from e
                for match in matches:
                    secret = match.group(1) if pattern.groups else match.group(0)
                    if not secret or (name, secret) in seen or allowed(chunk, secret):
                        continue
                    seen.add((name, secret))
                    yield Detection(
                        line=file.numbers[index],
                        rule=f'extra:{name}',
                        provider='Custom',
                        kind=f'prohibited pattern {name!r}',
                        secret=secret,
                        secret_type='Prohibited Pattern',  # noqa: S106 (a type name)
                    )
