"""What a file's bytes are, and its lines as the scanner sees them: text in any
of the encodings git users commit (UTF-8, UTF-16 and UTF-32, with or without a
byte-order mark), or, for binary content, the printable runs `strings` would
print. Big files are read as streams, in bounded memory.

Binary means mostly non-text bytes, decided on the whole sample (the first
SAMPLE bytes): control bytes other than whitespace, and bytes that are not
UTF-8, make up at least BINARY_SHARE of it, control bytes alone at least
CONTROL_SHARE. Compressed and machine data is ~50% non-text and ~10% control
bytes; text is ~0% either way, even in a legacy 8-bit encoding, and a source file
with a few hundred NUL bytes stays text.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import NamedTuple

from hooks.diff import DiffLine
from hooks.git import Repo
from hooks.gitproc import LINE_PIECE
from hooks.gitproc import PIECE_OVERLAP
from hooks.gitproc import split_lines

SAMPLE = 1 << 16
BINARY_SHARE = 0.3
CONTROL_SHARE = 0.05
# A printable run shorter than this is noise; the shortest token formats are longer.
MIN_RUN = 8

BINARY = 'binary'

_CONTROL = bytes(b for b in range(32) if b not in b'\t\n\r\f\b\x1b') + b'\x7f'
_HIGH = bytes(range(0x80, 0x100))
_BOMS = (  # UTF-32 first: its little-endian mark starts like UTF-16's
    (codecs.BOM_UTF32_LE, 'utf-32-le'),
    (codecs.BOM_UTF32_BE, 'utf-32-be'),
    (codecs.BOM_UTF16_LE, 'utf-16-le'),
    (codecs.BOM_UTF16_BE, 'utf-16-be'),
    (codecs.BOM_UTF8, 'utf-8'),
)


@functools.lru_cache(maxsize=1)
def _runs() -> re.Pattern[bytes]:
    """`strings` (ASCII, tab included) and `strings -e l` / `-e b` (UTF-16 LE and BE);
    compiled on first use, not at start-up."""
    return re.compile(
        rb'[\t\x20-\x7e]{%d,}|(?:[\t\x20-\x7e]\x00){%d,}|(?:\x00[\t\x20-\x7e]){%d,}'
        % (MIN_RUN, MIN_RUN, MIN_RUN)
    )


def _non_text(sample: bytes) -> tuple[int, int]:
    """(control bytes, control and non-UTF-8 bytes) of a sample."""
    control = len(sample) - len(sample.translate(None, _CONTROL))
    if len(sample.translate(None, _HIGH)) == len(sample):
        return control, control
    # A sample cut mid-character costs at most three bytes.
    return control, control + sample.decode('utf-8', 'replace').count('\ufffd')


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text with no byte-order mark: text
    whose characters are mostly ASCII puts a NUL in every other byte."""
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0 : 2 * half : 2].count(0), sample[1 : 2 * half : 2].count(0)
    for nuls, other, encoding in ((odd, even, 'utf-16-le'), (even, odd, 'utf-16-be')):
        if nuls * 2 >= half and other * 50 <= half:
            text = sample[: 2 * half].decode(encoding, 'replace')
            bad = len(text) - len(text.translate(dict.fromkeys(_CONTROL)))
            if (bad + text.count('\ufffd')) * 20 <= len(text):
                return encoding
    return None


def classify(sample: bytes) -> str:
    """The encoding a file's text is in ('utf-8', 'utf-16-le', ...), or BINARY."""
    if not sample:
        return 'utf-8'
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    if b'\0' in sample and (guess := _utf16_without_bom(sample)) is not None:
        return guess
    control, non_text = _non_text(sample)
    if control >= CONTROL_SHARE * len(sample) and non_text >= BINARY_SHARE * len(sample):
        return BINARY
    return 'utf-8'


def text_lines(chunks: Iterable[bytes], encoding: str) -> Iterator[DiffLine]:
    """A text file's lines, every one added, as git numbers them (split on \\n only)."""
    if encoding == 'utf-8':
        # \n never occurs inside a UTF-8 character: split the bytes, decode each line.
        pieces: Iterable[tuple[str, bool]] = (
            (raw.decode('utf-8', 'replace'), continued)
            for raw, continued in split_lines(chunks, b'\n', LINE_PIECE, PIECE_OVERLAP)
        )
    else:
        decoder = codecs.getincrementaldecoder(encoding)('replace')
        texts = (decoder.decode(c, final=not c) for c in _with_end(chunks))
        pieces = split_lines(texts, '\n', LINE_PIECE, PIECE_OVERLAP)
    number = 0
    first = True
    for text, continued in pieces:
        if not continued:
            number += 1
        if first:
            text = text.removeprefix('\ufeff')
            first = False
        yield DiffLine(number, text.removesuffix('\r'), True)


def _with_end(chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield from chunks
    yield b''


def binary_runs(chunks: Iterable[bytes]) -> Iterator[DiffLine]:
    """The printable runs of binary content (ASCII, UTF-16 LE and BE) as lines,
    numbered by the newlines before them, as an editor would show them."""
    carry = b''
    line = 1
    for chunk in _with_end(chunks):
        final = not chunk
        data = carry + chunk
        pos = 0  # where `line` was counted up to
        keep = max(0, len(data) - 2 * MIN_RUN)  # a run may start in the last bytes
        for m in _runs().finditer(data):
            if not final and m.end() >= len(data) - 1:
                keep = min(keep, m.start())  # it may go on in the next chunk
                break
            line += data.count(b'\n', pos, m.start())
            pos = m.start()
            yield DiffLine(line, _run_text(m.group()), True)
            keep = max(keep, m.end())
        if len(data) - keep > LINE_PIECE:  # one endless run: cut it, with an overlap
            yield DiffLine(line + data.count(b'\n', pos, keep), _run_text(data[keep:]), True)
            keep = len(data) - PIECE_OVERLAP
        line += data.count(b'\n', pos, keep)
        carry = data[keep:]


def _run_text(run: bytes) -> str:
    if run[1:2] == b'\0':
        return run.decode('utf-16-le', 'replace')
    if run[:1] == b'\0':
        return run.decode('utf-16-be', 'replace')
    return run.decode('ascii', 'replace')


def lines_of(data: bytes, kind: str) -> Iterator[DiffLine]:
    """The lines of content held whole, by its kind (`classify`)."""
    return binary_runs([data]) if kind == BINARY else text_lines([data], kind)


class Skip(NamedTuple):
    """Why the rest of a stream was not scanned: the bytes seen, and the limit."""

    size: int
    limit: int


class Source(NamedTuple):
    """A file read as a stream when it is scanned: the whole blob `oid` (its kind
    as `classify` says), or the lines a change adds to it (`bases`: the index or
    `commit` against each parent; a line counts as added when it is added against
    every one of them, as a merge's own content is defined)."""

    repo: Repo
    path: str
    oid: str
    kind: str  # classify(), or 'patch'
    size: int  # the blob's size
    limit: int  # the most bytes of added lines scanned
    bases: tuple[str, ...] = ()
    commit: str | None = None
    on_skip: Callable[[Skip], None] | None = None

    def lines(self) -> Iterator[DiffLine]:
        if self.kind == BINARY:
            return binary_runs(self.repo.stream_blob(self.oid))
        if self.kind != 'patch':
            return text_lines(self.repo.stream_blob(self.oid), self.kind)
        return self._patch()

    def _patch(self) -> Iterator[DiffLine]:
        others = []
        for base in self.bases[1:]:
            others.append(
                {d.number for d in self.repo.patch_lines(self.path, base, self.commit) if d.added}
            )
        size = 0
        for d in self.repo.patch_lines(self.path, self.bases[0], self.commit):
            added = d.added and all(d.number in o for o in others)
            if added:
                size += len(d.text) + 1
                if size > self.limit:
                    if self.on_skip is not None:
                        self.on_skip(Skip(size, self.limit))
                    return
            text = d.text.replace('\0', ' ') if '\0' in d.text else d.text
            yield DiffLine(d.number, text, added)
