"""A whole history in one streaming pass: `git diff-tree --stdin` over every commit,
read as it comes and cut into one record per commit, with the commit's message.

The records hold the same bytes `Repo.commit_changes` gives `diff.parse_diff` (the
diff options are the same), so a sweep of the history judges each commit exactly as
a range check would; the parsing itself is left to the caller, which may spread it
over worker processes. Only git talks to the repository here.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from collections.abc import Sequence
from typing import NamedTuple

from hooks.changes import CONFIG_OPTS
from hooks.changes import DIFF_OPTS
from hooks.changes import DIFF_TREE_STDIN
from hooks.errors import GitError
from hooks.git import Repo
from hooks.gitproc import git_env

_READ = 1 << 20


class CommitRecord(NamedTuple):
    commit: str
    time: int  # committer time, seconds since the epoch
    message: str
    patch: bytes  # `--raw -p -z` output for the commit, for diff.parse_diff

    @property
    def size(self) -> int:
        return len(self.patch) + len(self.message)


def stream_commits(repo: Repo, commits: Sequence[str]) -> Iterator[CommitRecord]:
    """Each commit's message and diff (against its first parent; a merge: what it adds
    against all of its parents, `--cc`; a root commit: its whole tree), in the order
    given, from one git process.

    Each record starts with a header carrying a random nonce and the message ends
    with another: the diff and the message are the repository's text, so a marker
    any file could contain could hide a commit. A commit git says nothing about, or
    one it names unasked, is an error, never a silent gap.
    """
    if not commits:
        return
    nonce = os.urandom(16).hex()
    start = f'\0cw-{nonce} '.encode()
    end = f'\0cw-{nonce}-end\0'.encode()
    cmd = (
        'git',
        *CONFIG_OPTS,
        *DIFF_TREE_STDIN,
        *DIFF_OPTS,
        f'--format=%x00cw-{nonce} %H %ct%x00%B%x00cw-{nonce}-end%x00',
    )
    wanted = iter(commits)
    with tempfile.TemporaryFile() as err:
        # Replace refs and grafts off (git_env), as for every other git we run:
        # the commits are swept as stored, as a push or a clone carries them.
        proc = subprocess.Popen(
            cmd,
            cwd=repo.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            env=git_env(),
        )
        assert proc.stdin is not None and proc.stdout is not None
        feeder = threading.Thread(target=_feed, args=(proc.stdin, commits), daemon=True)
        feeder.start()
        buf = b''
        pos = 0
        try:
            while True:
                block = proc.stdout.read(_READ)
                if not buf and block and not block.startswith(start):
                    lead = block.find(start)
                    if block[: lead if lead >= 0 else len(block)].strip(b'\0\n'):
                        raise GitError('git diff-tree wrote output before the first commit')
                # Cut every complete record, from one header to the next; the rest
                # waits for the next block (copied once per block, not per record).
                buf = buf[pos:] + block
                pos = 0
                while (first := buf.find(start, pos)) >= 0:
                    nxt = buf.find(start, first + len(start))
                    if nxt < 0:
                        if block:
                            break
                        nxt = len(buf)
                    yield _record(buf[first + len(start) : nxt], end, next(wanted, None))
                    pos = nxt
                if not block:
                    break
        finally:
            proc.stdout.close()
            code = proc.wait()
            feeder.join()
        if code != 0:
            err.seek(0)
            text = err.read().decode('utf-8', 'replace').strip()
            raise GitError(f'git diff-tree failed ({code}): {text[:500]}')
    extra = next(wanted, None)
    if extra is not None:
        raise GitError(f'git diff-tree said nothing about commit {extra}')


def _feed(stdin: object, commits: Sequence[str]) -> None:
    # A thread, so that git never waits on a full stdin pipe while we wait on its stdout.
    import io

    assert isinstance(stdin, io.BufferedIOBase)
    try:
        for i in range(0, len(commits), 1000):
            stdin.write(('\n'.join(commits[i : i + 1000]) + '\n').encode())
    except BrokenPipeError:
        pass  # git stopped early; its exit status says why
    finally:
        with contextlib.suppress(BrokenPipeError):
            stdin.close()


def _record(record: bytes, end: bytes, expected: str | None) -> CommitRecord:
    header, _, rest = record.partition(b'\0')
    message, found, patch = rest.partition(end)
    sha, _, when = header.decode('ascii', 'replace').partition(' ')
    if not found or sha != expected or not when.strip().isdigit():
        raise GitError(
            f'unexpected git diff-tree output for commit {sha[:64]!r} (expected {expected})'
        )
    return CommitRecord(sha, int(when), message.decode('utf-8', 'replace'), patch.lstrip(b'\0\n'))
