"""The parser of git's diffs: raw entries, patches, hunks; what it returns
(`FileChange`, `DiffLine`). One file's patch read as a stream: hooks.diffstream."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from typing import NamedTuple

from hooks.errors import DiffParseError


class DiffLine(NamedTuple):
    number: int  # line number in the new version of the file
    text: str
    added: bool  # False: a context line, kept so rules can look one line back


class FileChange(NamedTuple):
    path: str
    status: str  # git's letter: A added, M modified, D deleted, T type change
    old_mode: str
    new_mode: str
    old_oid: str
    new_oid: str
    lines: tuple[DiffLine, ...] = ()
    binary: bool = False

    @property
    def is_symlink(self) -> bool:
        return self.new_mode == '120000'

    @property
    def is_submodule(self) -> bool:
        return self.new_mode == '160000'

    @property
    def added_lines(self) -> tuple[DiffLine, ...]:
        return tuple(line for line in self.lines if line.added)


class CommitChanges(NamedTuple):
    commit: str
    files: tuple[FileChange, ...]


def _decode(b: bytes) -> str:
    return b.decode('utf-8', 'replace')


def unquote_c(s: bytes) -> bytes:
    """Undo git's C-style path quoting ("a\\tb", octal escapes for bytes)."""
    if not (s.startswith(b'"') and s.endswith(b'"') and len(s) >= 2):
        return s
    s = s[1:-1]
    out = bytearray()
    simple = {
        ord('a'): 7,
        ord('b'): 8,
        ord('t'): 9,
        ord('n'): 10,
        ord('v'): 11,
        ord('f'): 12,
        ord('r'): 13,
        ord('"'): 34,
        ord('\\'): 92,
    }
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x5C and i + 1 < len(s):
            nxt = s[i + 1]
            if 0x30 <= nxt <= 0x37:
                out.append(int(s[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(simple.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


_MODE = re.compile(rb'^[0-7]{6}$')
_OID = re.compile(rb'^[0-9a-f]{40}(?:[0-9a-f]{24})?$')
# The lines git writes between a patch's `diff` line and its first hunk. Anything
# else there is output this parser was not written for: an internal error.
_EXTENDED_HEADERS = (
    b'old mode ',
    b'new mode ',
    b'deleted file mode ',
    b'new file mode ',
    b'index ',
    b'mode ',
    b'--- ',
    b'+++ ',
    b'Binary files ',
)


class _RawEntry(NamedTuple):
    path: str
    statuses: str  # one letter per parent
    modes: tuple[str, ...]  # each parent's mode, then the result's
    oids: tuple[str, ...]  # each parent's object, then the result's

    @property
    def parents(self) -> int:
        return len(self.statuses)

    @property
    def status(self) -> str:
        """git's letter against the first parent; for a merge, what the merge did."""
        if self.parents == 1:
            return self.statuses
        if self.modes[-1] == '000000':
            return 'D'
        if all(m == '000000' for m in self.modes[:-1]):
            return 'A'
        if _kind(self.modes[-1]) != _kind(self.modes[0]) and self.modes[0] != '000000':
            return 'T'
        return 'M'


def _kind(mode: str) -> str:
    return mode[:2] if mode[:2] in ('12', '16') else '10'


def _bad(what: str) -> DiffParseError:
    return DiffParseError(f'could not parse git diff output: {what}')


def _parse_raw(data: bytes, pos: int) -> tuple[list[_RawEntry], int]:
    """Parse `--raw -z` entries starting at `pos`; returns entries and the new pos.

    One parent: `:old new oid oid S`, NUL, the path, NUL; a merge with n parents writes n
    colons, n+1 modes and oids, and n status letters.
    """
    entries = []
    while pos < len(data) and data[pos : pos + 1] == b':':
        end = data.find(b'\0', pos)
        if end < 0:
            raise _bad('a raw entry without its path')
        head = data[pos:end]
        colons = len(head) - len(head.lstrip(b':'))
        meta = head[colons:].split(b' ')
        pos = end + 1
        end = data.find(b'\0', pos)
        if end < 0 or end == pos:
            raise _bad('a raw entry without its path')
        path = os.fsdecode(data[pos:end])
        pos = end + 1
        n = colons
        modes, oids, status = meta[: n + 1], meta[n + 1 : 2 * n + 2], meta[2 * n + 2 :]
        if (
            len(meta) != 2 * n + 3
            or not all(_MODE.match(m) for m in modes)
            or not all(_OID.match(o) for o in oids)
            or len({len(o) for o in oids}) != 1
        ):
            raise _bad(f'unexpected raw entry {head[:200]!r}')
        letters = status[0].decode('ascii', 'replace')
        if n == 1:
            letters = letters[:1]  # a one-parent status may carry a score (R100)
        if len(letters) != n or not all(c in 'ADMTU' for c in letters):
            raise _bad(f'unexpected status {letters!r} for {path!r}')
        entries.append(
            _RawEntry(
                path, letters, tuple(m.decode() for m in modes), tuple(o.decode() for o in oids)
            )
        )
    return entries, pos


_SECTION = re.compile(rb'^(?:diff --git |diff --cc |diff --combined |\* Unmerged path )', re.M)


def _header_path(line: bytes) -> str:
    """The path a patch section's first line names.

    Without rename detection both names of `diff --git a/P b/P` are the same path,
    quoted alike, so P is read from the line's shape rather than split on a space
    (a name may hold ` b/`).
    """
    for lead in (b'diff --cc ', b'diff --combined ', b'* Unmerged path '):
        if line.startswith(lead):
            return os.fsdecode(unquote_c(line[len(lead) :]))
    rest = line[len(b'diff --git ') :]
    if rest.startswith(b'"'):
        m = re.fullmatch(rb'("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*")', rest)
        if m is None:
            raise _bad(f'unexpected patch header {line[:200]!r}')
        a, b = unquote_c(m.group(1)), unquote_c(m.group(2))
        if a.startswith(b'a/') and b.startswith(b'b/') and a[2:] == b[2:]:
            return os.fsdecode(b[2:])
        raise _bad(f'unexpected patch header {line[:200]!r}')
    n = (len(rest) - 5) // 2
    if (
        len(rest) == 2 * n + 5
        and rest.startswith(b'a/')
        and rest[2 + n : 5 + n] == b' b/'
        and rest[2 : 2 + n] == rest[5 + n :]
    ):
        return os.fsdecode(rest[5 + n :])
    raise _bad(f'unexpected patch header {line[:200]!r}')


def _split_patches(patch: bytes) -> list[tuple[str, bytes]]:
    """(path, section) for each file's patch, in git's order.

    Only git-written lines can start with `diff ` or `* `: every line of file
    content in a hunk carries a one-character prefix per parent.
    """
    starts = [m.start() for m in _SECTION.finditer(patch)]
    if patch[: starts[0] if starts else len(patch)].strip(b'\0\n'):
        raise _bad('text before the first patch')
    out = []
    for i, start in enumerate(starts):
        section = patch[start : starts[i + 1] if i + 1 < len(starts) else len(patch)]
        out.append((_header_path(section.split(b'\n', 1)[0]), section))
    return out


@functools.cache
def _hunk_header(parents: int) -> re.Pattern[bytes]:
    at = b'@' * (parents + 1)
    return re.compile(
        rb'^'
        + at
        + rb' (?:-\d+(?:,\d+)? ){'
        + str(parents).encode()
        + rb'}\+(\d+)(?:,(\d+))? '
        + at
        + rb'(?: |$)'
    )


def _hunk_start(raw: bytes, parents: int) -> tuple[int, int]:
    """A hunk header's first line number in the new file and how many of the new
    file's lines the hunk holds; a header of any other shape is an internal error."""
    m = _hunk_header(parents).match(raw)
    if m is None:
        raise _bad(f'unexpected hunk header {raw[:200]!r}')
    return int(m.group(1)), 1 if m.group(2) is None else int(m.group(2))


def parse_hunks(section: bytes, parents: int = 1) -> tuple[tuple[DiffLine, ...], bool]:
    """The added and context lines of one file's patch, and whether it holds NUL bytes.

    Strict: a header line git does not write, a malformed hunk header, a line
    without a valid prefix or a hunk whose length disagrees with its header is an
    internal error, never a guess.
    """
    at = b'@' * (parents + 1) + b' '
    lines: list[DiffLine] = []
    binary = False
    raws = section.split(b'\n')
    if raws and raws[-1] in (b'', b'\0'):
        raws.pop()
    number = 0
    left = 0  # lines of the new file the current hunk still owes
    in_hunk = False
    for raw in raws[1:]:
        if raw.startswith(at):
            if left:
                raise _bad(f'a hunk {left} line(s) shorter than its header says')
            number, left = _hunk_start(raw, parents)
            in_hunk = True
            continue
        if not in_hunk:
            if raw.startswith(b'Binary files '):
                binary = True
            elif not raw.startswith(_EXTENDED_HEADERS):
                raise _bad(f'unexpected patch header line {raw[:200]!r}')
            continue
        if raw.startswith(b'\\'):
            continue  # "\ No newline at end of file"
        prefix, text = raw[:parents], raw[parents:]
        if len(prefix) != parents or prefix.strip(b' +-'):
            raise _bad(f'a patch line without a valid prefix {raw[:40]!r}')
        if b'-' in prefix:
            continue  # a removed line: not in the new file
        if not left:
            raise _bad('a hunk longer than its header says')
        left -= 1
        if b'\0' in text:
            binary = True
        added = prefix.strip(b'+') == b''
        lines.append(DiffLine(number, _decode(text), added))
        number += 1
    if left:
        raise _bad(f'a hunk {left} line(s) shorter than its header says')
    return tuple(lines), binary


def file_lines(data: bytes) -> tuple[tuple[DiffLine, ...], bool]:
    """A whole file's lines, each an added one, and whether it holds NUL bytes."""
    texts = data.split(b'\n')
    if texts[-1] == b'':
        texts.pop()
    return tuple(DiffLine(i, _decode(t), True) for i, t in enumerate(texts, 1)), b'\0' in data


def parse_diff(data: bytes, pos: int = 0, end: int | None = None) -> list[FileChange]:
    """Parse the output of `git diff --raw -p -z` (or one commit of `diff-tree --cc`).

    Raw entries and patches are matched by path, never by count. What git writes
    for each entry is known, and anything else is an internal error:
    - one patch per file; two for a type change (the old kind deleted, the new one
      added), whose added lines are those of the new kind;
    - a merge (`--cc`) has a patch only where the merge itself wrote lines that no
      parent had (or removed lines every parent had, or changed a mode). A file
      that differs from every parent but has no patch took each hunk from one
      parent or another: the merge added nothing there, so it is not a change of
      the merge's own and is left out;
    - an unmerged path (a conflict still in the index) has a `* Unmerged path`
      line and no patch: it is returned with status U and no lines, and
      `Repo.staged_changes` fills in what the conflict would bring in.
    """
    end = len(data) if end is None else end
    chunk = data[pos:end]
    entries, p = _parse_raw(chunk, 0)
    sections: dict[str, list[bytes]] = {}
    # Every patch ends with a newline; NULs around the patches only separate records.
    for path, section in _split_patches(chunk[p:].strip(b'\0')):
        sections.setdefault(path, []).append(section)
    changes = []
    for e in entries:
        got = sections.pop(e.path, [])
        unmerged = [s for s in got if s.startswith(b'* Unmerged path ')]
        patches = [s for s in got if not s.startswith(b'* Unmerged path ')]
        if e.status == 'U':
            if unmerged and not patches:
                changes.append(
                    FileChange(e.path, 'U', e.modes[0], e.modes[-1], e.oids[0], e.oids[-1])
                )
                continue
            raise _bad(f'unmerged path {e.path!r} without its marker')
        if unmerged:
            raise _bad(f'an unmerged marker for {e.path!r}, which git lists as merged')
        if e.parents > 1 and not patches:
            continue  # the merge took this file's every hunk from a parent
        if not (len(patches) == 1 or (len(patches) == 2 and e.statuses[0] == 'T')):
            raise _bad(f'{len(patches)} patches for {e.path!r} (status {e.statuses})')
        lines: tuple[DiffLine, ...] = ()
        binary = False
        for section in patches:
            got_lines, got_binary = parse_hunks(section, e.parents)
            lines += got_lines
            binary = binary or got_binary
        changes.append(
            FileChange(
                path=e.path,
                status=e.status,
                old_mode=e.modes[0],
                new_mode=e.modes[-1],
                old_oid=e.oids[0],
                new_oid=e.oids[-1],
                lines=lines,
                binary=binary,
            )
        )
    if sections:
        raise _bad(f'a patch for {sorted(sections)[0]!r}, which the raw entries do not list')
    return changes


def parse_commits(
    data: bytes,
    marker: bytes,
    wanted: Sequence[str],
) -> dict[str, list[FileChange]]:
    """Commit -> its changes, from `git diff-tree --stdin` output in which each
    commit's diff follows a header: `marker`, the commit id, a NUL.

    Output before the first header, a commit not asked for or named twice, or one
    asked for that git said nothing about is an internal error, never an empty change.
    """
    found: dict[str, list[FileChange]] = {}
    asked = set(wanted)
    sections = data.split(marker)
    if sections[0].strip(b'\0\n'):
        raise _bad('output before the first commit')
    for section in sections[1:]:
        sha_b, _, rest = section.partition(b'\0')
        sha = sha_b.decode('ascii', 'replace')
        if sha in found or sha not in asked:
            raise _bad(f'an unexpected commit {sha[:64]!r} in git diff-tree output')
        body = rest.lstrip(b'\0\n')  # the header's terminators
        found[sha] = parse_diff(body) if body else []
    missing = [c for c in wanted if c not in found]
    if missing:
        raise _bad(f'git diff-tree said nothing about commit {missing[0]}')
    return found
