"""The one commit-message reader (hooks.message): what git keeps of a message file."""

from __future__ import annotations

from pathlib import Path

import pytest

from hooks.git import Repo
from hooks.message import clean_message
from hooks.message import comment_setting
from hooks.message import message_comment
from hooks.message import message_lines
from hooks.message import scanned_lines
from hooks.message import trailer_block
from tests.conftest import git

SCISSORS = ' ------------------------ >8 ------------------------'


@pytest.mark.parametrize(
    ('configured', 'prefix'),
    [
        (None, '#'),
        (';', ';'),
        ('//', '//'),  # core.commentString may be longer than one character
        # git picks per message and the file does not say which: a sign-off or ticket
        # check assumes git's usual pick, never the word `auto`.
        ('auto', '#'),
    ],
)
def test_comment_prefix(configured: str | None, prefix: str) -> None:
    assert message_comment(configured) == prefix


@pytest.mark.parametrize('configured', [None, ';', '//', 'auto'])
def test_a_scanner_keeps_comment_lines_and_stops_at_the_scissors(
    configured: str | None,
) -> None:
    prefix = {None: '#', 'auto': '%'}.get(configured, configured)
    text = (
        f'automation token\n{prefix} a comment, or a line of `git commit -m`\n'
        f'{prefix}{SCISSORS}\ndiff --git a/x b/x\n-old secret\n'
    )
    assert scanned_lines(text, configured) == [
        (1, 'automation token'),
        (2, f'{prefix} a comment, or a line of `git commit -m`'),
    ]


def test_a_scanner_reads_past_another_prefix_s_scissors() -> None:
    # Only git's own cut line ends the message: with ';' a '#' scissors is text.
    text = f'subject\n#{SCISSORS}\nAKIA...\n'
    assert [t for _, t in scanned_lines(text, ';')] == text.splitlines()


def test_scissors_and_comments_are_dropped_with_their_line_numbers() -> None:
    text = f'subject\n# comment\nbody\n#{SCISSORS}\ndiff --git a/x b/x\n+secret\n'
    assert message_lines(text, '#') == [(1, 'subject'), (3, 'body')]
    assert clean_message(text, '#') == 'subject\nbody'


def test_a_committed_message_keeps_every_line() -> None:
    # Nothing is stripped from a message git already recorded, not even a line
    # that looks like the scissors of an empty comment prefix.
    text = f'subject\n#{SCISSORS}\n{SCISSORS}\nAKIA...\n'
    assert [t for _, t in message_lines(text, '')] == text.splitlines()


def test_trailer_block_is_the_last_paragraph_of_trailers() -> None:
    assert trailer_block('s\n\nbody\n\nSigned-off-by: A <a@x>\n') == 'Signed-off-by: A <a@x>'
    assert trailer_block('Signed-off-by: A <a@x>\n') == ''  # the subject
    assert trailer_block('s\n\nSigned-off-by: A <a@x> says hi\nprose\n') == ''


@pytest.mark.parametrize(
    ('settings', 'expected'),
    [
        ((), None),
        ((('core.commentChar', ';'),), ';'),
        ((('core.commentChar', 'auto'),), 'auto'),
        ((('core.commentChar', ';'), ('core.commentString', '//')), '//'),  # the last one set
    ],
)
def test_comment_setting_reads_git_config(repo: Path, settings, expected) -> None:
    for key, value in settings:
        git('config', key, value, cwd=repo)
    assert comment_setting(Repo.discover()) == expected
