"""The one reader of commit messages for every hook: which lines git will keep of
a message file (comment lines by `core.commentChar` / `core.commentString`,
`auto` included; the `--verbose` scissors), which a scanner judges, and a message's
trailer block."""

from __future__ import annotations

import re

from hooks.errors import GitError
from hooks.git import Repo

_SCISSORS = ' ------------------------ >8 ------------------------'
_TRAILER_LINE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9-]*:\s|^\(cherry picked from commit |^\s')


# The characters `core.commentChar=auto` picks from, in git's order.
_AUTO_CHARS = '#;@!$%^&|:'


def message_comment(configured: str | None) -> str:
    """The prefix of the comment lines git drops from a message it opened in the
    editor, given core.commentChar / core.commentString.

    With `auto` git picks, per commit, the first of `#;@!$%^&|:` that starts no
    line of the message it started from, and the file the hook sees does not say
    which: '#' is git's usual pick. Good enough for a check that looks for what a
    message has (a sign-off, a ticket); a scanner reads `scanned_lines` instead.
    """
    if configured == 'auto':
        return '#'
    return configured or '#'


def scanned_lines(text: str, configured: str | None) -> list[tuple[int, str]]:
    """(line number, text) of every line of a message file a scanner must judge:
    all of them up to git's `--verbose` scissors line, comment lines included.

    Whether git drops comment lines depends on how the message was written, which
    the file does not say: `git commit -m` and `-F` keep them (cleanup mode
    `whitespace`), the editor drops them. Scanning one of git's own comments is the
    safe mistake; the scissors part is git's diff of the staged change, which the
    pre-commit stage judges (its removed lines are not being added)."""
    prefixes = _AUTO_CHARS if configured == 'auto' else (configured or '#',)
    cuts = {prefix + _SCISSORS for prefix in prefixes}
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if line in cuts:
            break
        out.append((number, line))
    return out


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


def read_message_file(path: str) -> str:
    """The text of the commit message file git hands the commit-msg stage; a file
    that cannot be read is a GitError naming it."""
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError as e:
        raise GitError(f'{path}: cannot read the commit message: {e.strerror}') from e


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
