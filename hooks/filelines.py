"""A scanned file's lines: the engine's rewrites by file kind, and the allowlist pragmas.

The rewrites give a value the name its file kind puts elsewhere: a YAML value's
name on the line above, the data of a Kubernetes Secret, a Terraform variable's
default. A pragma (`# pragma: allowlist secret`) exempts its line or the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import NamedTuple

from hooks.lazyre import rx

_SAME_LINE_PRAGMA = rx(
    r"(?:#|//|/\*|--|<!--|;|'|%|\bREM\b)[ \t]*pragma: ?(?:allow|white)list[ -]secret",
)
_NEXT_LINE_PRAGMA = rx(
    r"^[ \t]*(?:#|//|/\*|--|<!--|;|'|%|REM\b)[ \t]*pragma: ?allowlist[ -]nextline[ -]secret",
)


# Shared by every FileLines that has none: never written to.
_NOTHING_FORCED: Mapping[int, frozenset[str]] = {}


class FileLines(NamedTuple):
    """The lines of one scan as parallel lists: building a frozen Line per
    line of a whole file costs more than scanning it."""

    numbers: Sequence[int]
    texts: Sequence[str]
    added: Sequence[bool]
    # Keyword groups a line gets from where it sits, not from its words
    # (a value under `data:` of a Kubernetes Secret).
    forced: Mapping[int, frozenset[str]] = _NOTHING_FORCED


_YAML_NAME = rx(r'^\s*-?\s*name:\s*["\']?(?P<key>[\w.-]{1,80})["\']?\s*$')
_YAML_VALUE = rx(r'^(?P<indent>\s*)value:\s*(?P<rest>\S.*)$')
_YAML_BLOCK = rx(r'^\s*-?\s*["\']?(?P<key>[\w.-]{1,80})["\']?\s*:\s*[|>][-+]?\d?\s*$')


def _join_yaml_names(file: FileLines) -> FileLines:
    """YAML that puts a value's name on the line above, rewritten as `name: value`
    so the rules that need a secret's name see it: a Kubernetes env entry
    (`- name: DB_PASSWORD` / `value: ...`) and a block scalar (`password: |`)."""
    texts = list(file.texts)
    changed = False
    for i in range(1, len(texts)):
        if not file.added[i] or file.numbers[i - 1] != file.numbers[i] - 1:
            continue
        text, previous = texts[i], file.texts[i - 1]
        value = _YAML_VALUE.match(text)
        name = _YAML_NAME.match(previous) if value else None
        block = None if value else _YAML_BLOCK.match(previous)
        if value and name:
            texts[i] = f'{value.group("indent")}{name.group("key")}: {value.group("rest")}'
        elif block and text[:1].isspace() and text.strip():
            indent = text[: len(text) - len(text.lstrip())]
            texts[i] = f'{indent}{block.group("key")}: {text.strip()}'
        else:
            continue
        changed = True
    return FileLines(file.numbers, texts, file.added) if changed else file


_DOC_SEPARATOR = rx(r'^---\s*(?:#.*)?$')
_SECRET_KIND = rx(r'^kind:\s*["\']?Secret["\']?\s*(?:#.*)?$')
_SECRET_DATA = rx(r'^(?P<key>data|stringData):\s*(?:#.*)?$')


def _mark_kubernetes_secrets(file: FileLines) -> FileLines:
    """Lines under `data:` / `stringData:` of a YAML document of `kind: Secret`:
    every value there is a secret, whatever its key is called."""
    if not any(_SECRET_KIND.match(t) for t in file.texts):
        return file
    forced: dict[int, frozenset[str]] = {}
    doc: list[int] = []
    for i in [*range(len(file.texts)), -1]:
        if (
            i >= 0
            and not _DOC_SEPARATOR.match(file.texts[i])
            and (not doc or file.numbers[i] == file.numbers[doc[-1]] + 1)
        ):
            doc.append(i)
            continue
        if any(_SECRET_KIND.match(file.texts[j]) for j in doc):
            group = ''
            for j in doc:
                text = file.texts[j]
                header = _SECRET_DATA.match(text)
                if header:
                    group = (
                        'kubernetes-secret'
                        if header.group('key') == 'data'
                        else 'kubernetes-secret-string'
                    )
                elif text[:1] not in (' ', '\t') and text.strip():
                    group = ''  # another top-level key: the block ended
                elif group and text.strip() and file.added[j]:
                    forced[j] = frozenset((group,))
        doc = [i] if i >= 0 and not _DOC_SEPARATOR.match(file.texts[i]) else []
    return FileLines(file.numbers, file.texts, file.added, forced) if forced else file


_HCL_VARIABLE = rx(r'^\s*variable\s+"(?P<name>[\w-]{1,80})"\s*\{(?P<rest>.*)$')
_HCL_DEFAULT = rx(r'^(?P<indent>\s*)default\s*=\s*(?P<value>.+?)\s*\}?\s*$')


def _join_hcl_defaults(file: FileLines) -> FileLines:
    """Terraform `variable "db_password" { default = "..." }`, on one line or over
    several: the default is rewritten as `db_password = "..."`, so the rules that
    need a secret's name see it."""
    texts = list(file.texts)
    changed = False
    name: str | None = None
    for i, text in enumerate(file.texts):
        if i and file.numbers[i - 1] != file.numbers[i] - 1:
            name = None  # a gap in the diff: we no longer know which block we are in
        header = _HCL_VARIABLE.match(text)
        if header:
            name = header.group('name')
            text = header.group('rest')
        default = _HCL_DEFAULT.match(text) if name else None
        if default and name and file.added[i]:
            texts[i] = f'{default.group("indent") or "  "}{name} = {default.group("value")}'
            changed = True
        if text.strip().endswith('}') or (header and '}' in header.group('rest')):
            name = None
    return FileLines(file.numbers, texts, file.added) if changed else file


def prepare(file: FileLines, kind: str) -> FileLines:
    """The file as the engine judges it: without a byte-order mark, and with the
    rewrites of its kind (`yaml`, `hcl`)."""
    if file.numbers and file.numbers[0] == 1 and file.texts[0].startswith('\ufeff'):
        # A byte-order mark is not part of the first line's text.
        file = FileLines(file.numbers, [file.texts[0][1:], *file.texts[1:]], file.added)
    if kind == 'yaml':
        file = _mark_kubernetes_secrets(_join_yaml_names(file))
    elif kind == 'hcl':
        file = _join_hcl_defaults(file)
    return file


def _in_string(text: str, pos: int) -> bool:
    """Whether `pos` lies inside a quoted string of the line: a pragma there is part
    of the value (`t = "ghp_... # pragma: allowlist secret"`), not a comment."""
    quote = None
    i = 0
    while i < pos:
        c = text[i]
        if quote is not None:
            if c == '\\':
                i += 1
            elif c == quote:
                quote = None
        elif c in '"\'`':
            quote = c
        i += 1
    return quote is not None


def is_allowlisted(file: FileLines, index: int) -> bool:
    text = file.texts[index]
    if 'pragma' in text:
        tail = text[-2000:]
        offset = len(text) - len(tail)
        for m in _SAME_LINE_PRAGMA.finditer(tail):
            if not _in_string(text, offset + m.start()):
                return True
    if index > 0 and file.numbers[index - 1] == file.numbers[index] - 1:
        previous = file.texts[index - 1]
        return 'pragma' in previous and bool(_NEXT_LINE_PRAGMA.search(previous[:2000]))
    return False
