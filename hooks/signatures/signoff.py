"""The DCO sign-off: a `Signed-off-by:` trailer naming the author, checked at the
commit-msg stage (and per commit in range mode)."""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from hooks.config import SignaturesConfig
from hooks.errors import FatalError
from hooks.findings import Finding
from hooks.git import Repo
from hooks.message import clean_message
from hooks.message import comment_setting
from hooks.message import message_comment
from hooks.message import read_message_file
from hooks.message import trailer_block
from hooks.signatures import ID

_IDENT = re.compile(r'^(.*?) ?<([^<>]*)> (\d+) ([+-]\d{4})$')
_SIGNOFF = re.compile(r'^signed-off-by:[ \t]*(.*?)[ \t]*<([^<>]*)>[ \t]*$', re.I | re.M)


class Ident(NamedTuple):
    name: str
    email: str
    when: int


def git_ident(repo: Repo, which: str) -> Ident:
    text = repo.out('var', f'GIT_{which}_IDENT', ok=(0, 128))
    m = _IDENT.match(text)
    if m is None:
        raise FatalError(
            f'git cannot tell the {which.lower()} identity: set it with '
            '`git config user.name "Your Name"` and '
            '`git config user.email you@example.com`'
        )
    return Ident(m.group(1), m.group(2), int(m.group(3)))


def signoff_matches(message: str, name: str, email: str) -> tuple[bool, list[str]]:
    """Whether a Signed-off-by trailer names this author; also the sign-offs found."""
    found = [(n.strip(), e.strip()) for n, e in _SIGNOFF.findall(trailer_block(message))]
    ok = any(
        e.lower() == email.lower()
        and ' '.join(n.split()).casefold() == ' '.join(name.split()).casefold()
        for n, e in found
    )
    return ok, [f'{n} <{e}>' for n, e in found]


def check_message(repo: Repo, *, policy: SignaturesConfig, path: str) -> list[Finding]:
    """The message being written carries the author's sign-off, when required."""
    if policy.require not in ('signoff', 'both'):
        return []
    if policy.allow_unsigned_merges and (repo.git_dir / 'MERGE_HEAD').exists():
        return []
    message = clean_message(read_message_file(path), message_comment(comment_setting(repo)))
    if not message:
        return []  # git aborts an empty commit itself
    author = git_ident(repo, 'AUTHOR')
    ok, found = signoff_matches(message, author.name, author.email)
    if ok:
        return []
    got = f' (found: {", ".join(found)})' if found else ''
    return [
        Finding(
            hook=ID,
            rule='missing-signoff',
            severity='high',
            path='',
            line=None,
            message=f'the commit message has no Signed-off-by: {author.name} <{author.email}>'
            f'{got}\nfix: commit with `git commit -s` (the message is kept in '
            f'{os.path.relpath(path, repo.root)})',
        )
    ]
