"""One file's patch read as a stream (`stream_hunks`): the added and context lines of
a patch too big to hold, as strict as hooks.diff's `parse_hunks`."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator

from hooks.diff import _EXTENDED_HEADERS
from hooks.diff import DiffLine
from hooks.diff import _bad
from hooks.diff import _decode
from hooks.diff import _hunk_start


def stream_hunks(pieces: Iterable[tuple[bytes, bool]]) -> Iterator[DiffLine]:
    """`parse_hunks` over a stream (`gitproc.split_lines`) of one file's patch, or two for a
    type change, against one parent: the added and context lines, as strict.

    The pieces of a long line are lines of the same number; a removed line's pieces
    are dropped with it.
    """
    number = left = 0
    in_hunk = False
    last: tuple[int, bool] | None = None  # (number, added) of the line a piece continues
    for raw, continued in pieces:
        if continued:
            if last is not None:
                yield DiffLine(last[0], _decode(raw), last[1])
            continue
        last = None
        if raw.startswith((b'@@ ', b'diff --git ')):
            if left:
                raise _bad(f'a hunk {left} line(s) shorter than its header says')
            in_hunk = raw.startswith(b'@@ ')
            if in_hunk:
                number, left = _hunk_start(raw, 1)
            continue
        if not in_hunk:
            if not raw.startswith(_EXTENDED_HEADERS) or raw.startswith(b'Binary files '):
                raise _bad(f'unexpected patch header line {raw[:200]!r}')
            continue
        prefix = raw[:1]
        if prefix in (b'-', b'\\'):
            continue  # a removed line, or "\ No newline at end of file"
        if prefix not in (b'+', b' '):
            raise _bad(f'a patch line without a valid prefix {raw[:40]!r}')
        if not left:
            raise _bad('a hunk longer than its header says')
        left -= 1
        last = (number, prefix == b'+')
        yield DiffLine(number, _decode(raw[1:]), last[1])
        number += 1
    if left:
        raise _bad(f'a hunk {left} line(s) shorter than its header says')
