"""The one commit-message reader (hooks.message): what git keeps of a message file."""
from __future__ import annotations

from pathlib import Path

import pytest

from hooks.git import Repo
from hooks.message import clean_message
from hooks.message import comment_setting
from hooks.message import message_comment
from hooks.message import message_lines
from hooks.message import trailer_block
from tests.conftest import git

SCISSORS = ' ------------------------ >8 ------------------------'


@pytest.mark.parametrize(('configured', 'strict', 'lenient'), [
    (None, '#', '#'),
    (';', ';', ';'),
    ('//', '//', '//'),   # core.commentString may be longer than one character
    # git picks per message and the file does not say which: a scanner drops
    # nothing, a sign-off or ticket check assumes git's usual pick.
    ('auto', '', '#'),
])
def test_comment_prefix(configured: str | None, strict: str, lenient: str) -> None:
    assert message_comment(configured, strict=True) == strict
    assert message_comment(configured, strict=False) == lenient


def test_auto_never_takes_the_word_auto_as_a_prefix() -> None:
    text = 'automation token rotated\n# maybe a comment, maybe not\n'
    assert message_lines(text, message_comment('auto', strict=True)) == [
        (1, 'automation token rotated'), (2, '# maybe a comment, maybe not')]


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
    assert trailer_block('Signed-off-by: A <a@x>\n') == ''          # the subject
    assert trailer_block('s\n\nSigned-off-by: A <a@x> says hi\nprose\n') == ''


@pytest.mark.parametrize(('settings', 'expected'), [
    ((), None),
    ((('core.commentChar', ';'),), ';'),
    ((('core.commentChar', 'auto'),), 'auto'),
    ((('core.commentChar', ';'), ('core.commentString', '//')), '//'),   # the last one set
])
def test_comment_setting_reads_git_config(repo: Path, settings, expected) -> None:
    for key, value in settings:
        git('config', key, value, cwd=repo)
    assert comment_setting(Repo.discover()) == expected
