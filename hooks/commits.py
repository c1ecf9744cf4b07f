"""What a commit says about itself (`CommitInfo`): its parents, author, committer,
time and message, read for many commits in one `git log` (`Repo.commit_infos`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import NamedTuple

if TYPE_CHECKING:
    from hooks.git import Repo


class CommitInfo(NamedTuple):
    commit: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    committer_time: int
    message: str

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def subject(self) -> str:
        return self.message.split('\n', 1)[0]

    def __repr__(self) -> str:
        # The message may quote a secret: keep it out of reprs and test output.
        return f'CommitInfo(commit={self.commit!r})'


def _decode(b: bytes) -> str:
    return b.decode('utf-8', 'replace')


def commit_infos(repo: Repo, commits: Sequence[str]) -> list[CommitInfo]:
    if not commits:
        return []
    fmt = '%H%x1f%P%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%ct%x1f%B'
    proc = repo.git(
        'log',
        '--no-walk=unsorted',
        '--no-show-signature',
        '-z',
        f'--format={fmt}',
        '--stdin',
        stdin='\n'.join(commits).encode() + b'\n',
    )
    infos = []
    for record in proc.stdout.split(b'\0'):
        if not record.strip():
            continue
        f = record.split(b'\x1f', 7)
        infos.append(
            CommitInfo(
                commit=f[0].decode().strip(),
                parents=tuple(f[1].decode().split()),
                author_name=_decode(f[2]),
                author_email=_decode(f[3]),
                committer_name=_decode(f[4]),
                committer_email=_decode(f[5]),
                committer_time=int(f[6] or 0),
                message=_decode(f[7]),
            )
        )
    return infos
