"""The one reader of commit messages for every hook: which lines git will keep of
a message file (comment lines, `core.commentChar` including `auto`, the
`--verbose` scissors), and a message's trailer block."""
from __future__ import annotations

import re
from collections.abc import Sequence

from hooks.errors import GitError
from hooks.git import Repo

# The characters git picks from, in order, for `core.commentChar=auto`.
AUTO_COMMENT_CHARS = '#;@!$%^&|:'
_SCISSORS = ' ------------------------ >8 ------------------------'
_TRAILER_LINE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9-]*:\s|^\(cherry picked from commit |^\s')


def _auto_choice(lines: Sequence[str]) -> str:
    """The comment character git's `auto` picks for a message (builtin/commit.c)."""
    if not any('#' in line for line in lines):
        return '#'
    starts = {line[:1] for line in lines}
    return next((c for c in AUTO_COMMENT_CHARS if c not in starts), '')


def message_comment(lines: Sequence[str], configured: str | None) -> str:
    """The prefix of the comment lines git strips from this message file ('' for none).

    With `core.commentChar=auto` git picks, per commit, the first character of
    AUTO_COMMENT_CHARS that starts no line of the message before it adds its own
    comments; the hook sees the file afterwards. A character is taken only when
    it is the one git's rule gives for the lines that do not start with it, and
    no other character is: otherwise nothing is stripped, so a line git keeps is
    never dropped from a check (scanning a comment too is the safe mistake).
    """
    if configured != 'auto':
        return configured or '#'
    fits = [c for c in AUTO_COMMENT_CHARS
            if _auto_choice([line for line in lines if not line.startswith(c)]) == c]
    return fits[0] if len(fits) == 1 else ''


def message_lines(text: str, comment: str) -> list[tuple[int, str]]:
    """(line number, text) of the lines git keeps of a message file: comment lines
    and everything from the `--verbose` scissors line on are dropped. `comment` is
    '' for a committed message, which has nothing left to strip."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if comment and line == comment + _SCISSORS:
            break
        if comment and line.startswith(comment):
            continue
        out.append((number, line))
    return out


def comment_setting(repo: Repo) -> str | None:
    """core.commentChar / core.commentString (git reads them as one setting, the
    last one set wins); 'auto' is returned as is, None when unset."""
    proc = repo.git('config', '--get-regexp', r'^core\.comment(char|string)$', ok=(0, 1))
    lines = proc.stdout.decode('utf-8', 'surrogateescape').splitlines()
    return lines[-1].split(' ', 1)[1] if lines and ' ' in lines[-1] else None


def read_message_file(path: str, setting: str | None) -> tuple[str, str]:
    """(text, comment prefix) of the commit message file git hands the commit-msg
    stage, given `comment_setting(repo)`; a file that cannot be read is a
    GitError naming it."""
    try:
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
    except OSError as e:
        raise GitError(f'{path}: cannot read the commit message: {e.strerror}') from e
    return text, message_comment(text.splitlines(), setting)


def clean_message(text: str, comment: str) -> str:
    """The message as git will record it, without comments or the scissors part."""
    return '\n'.join(line for _, line in message_lines(text, comment)).strip()


def trailer_block(message: str) -> str:
    """The message's trailers, as git reads them: its last paragraph, if that is not
    the subject and every line of it is a `Token: value` trailer (or continues one).
    A Signed-off-by in the subject or in the body's prose is not a sign-off."""
    paragraphs = [p for p in re.split(r'\n[ \t]*\n', message.strip('\n')) if p.strip()]
    if len(paragraphs) < 2:
        return ''
    last = paragraphs[-1].split('\n')
    return '\n'.join(last) if all(_TRAILER_LINE.match(line) for line in last) else ''
