"""Signed commit objects exactly as they will be pushed, split the way git splits them.

Every read here bypasses `refs/replace/*` and grafts (hooks.gitproc turns both off for
every git it runs): `git replace X <signed twin>` must not make an unsigned X look
signed, because `git push` sends the real X. A commit's content is also checked
against its id (the id *is* the hash of the content), so a verdict, and the cache
entry keyed on that id, is always about the real object.

The payload/signature split is a port of git's own `parse_buffer_signed_by_header`
(commit.c, git 2.39): what git hands to ssh-keygen or gpg is what is verified here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import NamedTuple

from hooks.errors import GitError
from hooks.git import Repo
from hooks.gitproc import run_git

# git's get_format_by_sig(): the signature buffer must *start* with one of these.
_FORMATS = (
    (b'-----BEGIN PGP SIGNATURE-----', 'openpgp'),
    (b'-----BEGIN PGP MESSAGE-----', 'openpgp'),
    (b'-----BEGIN SIGNED MESSAGE-----', 'x509'),
    (b'-----BEGIN SSH SIGNATURE-----', 'ssh'),
)
_ARMOR_BEGIN = b'-----BEGIN '


class RawCommit(NamedTuple):
    oid: str
    tree: str
    parents: tuple[str, ...]
    committer_email: str
    committer_time: int | None  # None: the ident has no date (git then verifies "now")
    signature: bytes | None  # what git passes to ssh-keygen/gpg, or None: unsigned
    payload: bytes  # what was signed
    signature_headers: int  # headers of this repository's hash (gpgsig / gpgsig-sha256)

    @property
    def kind(self) -> str:
        """ssh, openpgp, x509, none, or unknown (git itself dies on those)."""
        if self.signature is None:
            return 'none'
        for prefix, kind in _FORMATS:
            if self.signature.startswith(prefix):
                return kind
        return 'unknown'

    def malformed(self) -> str | None:
        """Why the signature cannot stand as one signature over this commit, or None.

        git verifies only the first armor block of a concatenation and ignores a
        second header's worth of signature; a commit carrying two signatures is
        ambiguous about who vouched for it, so it is a bad signature here."""
        if self.signature is None:
            return None
        if self.signature_headers > 1:
            return (
                f'the commit carries {self.signature_headers} signature headers; '
                'a commit has one signature'
            )
        blocks = self.signature.count(_ARMOR_BEGIN)
        if blocks > 1:
            return f'the signature header holds {blocks} signatures; a commit has one'
        return None


def split_signed(buf: bytes, header: bytes) -> tuple[bytes, bytes | None, int]:
    """(payload, signature or None, number of `header` headers), as git splits them.

    A port of git's parse_buffer_signed_by_header(): the signature is every
    `header` line and its continuation lines; the payload is everything else except
    signature headers of the *other* hash algorithm (a commit may carry both)."""
    payload = bytearray()
    signature = bytearray()
    count = 0
    saw = in_signature = other = False
    pos, end = 0, len(buf)
    prefix = header + b' '
    while pos < end:
        nl = buf.find(b'\n', pos)
        nxt = nl + 1 if nl >= 0 else end
        line = buf[pos:nxt]
        sig: bytes | None = None
        if in_signature and line[:1] == b' ':
            sig = line[1:]
        elif line.startswith(prefix):
            sig = line[len(prefix) :]
            other = False
            count += 1
        elif line.startswith(b'gpgsig'):
            other = True
        elif other and line[:1] != b' ':
            other = False
        if sig is not None:
            signature += sig
            saw = in_signature = True
        else:
            if line[:1] == b'\n':
                nxt = end  # the message: the whole remainder belongs to the payload
                line = buf[pos:]
            if not other:
                payload += line
            in_signature = False
        pos = nxt
    return bytes(payload), (bytes(signature) if saw else None), count


def find_header(buf: bytes, key: bytes) -> bytes | None:
    """The value of the first `key` header (git's find_commit_header)."""
    for line in buf.split(b'\n'):
        if not line:
            return None
        if line.startswith(key + b' '):
            return line[len(key) + 1 :]
    return None


def split_ident(line: bytes) -> tuple[str, int | None] | None:
    """(email, timestamp) of an ident line, as git's split_ident_line() reads it."""
    lt = line.find(b'<')
    if lt < 0:
        return None
    gt = line.find(b'>', lt + 1)
    if gt < 0:
        return None
    email = line[lt + 1 : gt].decode('utf-8', 'replace')
    # The date follows the *last* '>' (git tolerates a stray '>' in the address).
    rest = line[line.rfind(b'>') + 1 :].lstrip(b' \t\r\n')
    digits = len(rest) - len(rest.lstrip(b'0123456789'))
    if not digits:
        return email, None
    tz = rest[digits:].lstrip(b' \t\r\n')
    if tz[:1] not in (b'+', b'-') or not tz[1:2].isdigit():
        return email, None
    return email, int(rest[:digits])


def parse_commit(oid: str, raw: bytes) -> RawCommit:
    header = b'gpgsig-sha256' if len(oid) == 64 else b'gpgsig'
    payload, signature, count = split_signed(raw, header)
    head = raw.split(b'\n\n', 1)[0]
    tree = ''
    parents: list[str] = []
    for line in head.split(b'\n'):
        if line.startswith(b'tree ') and not tree:
            tree = line[5:].decode('ascii', 'replace')
        elif line.startswith(b'parent '):
            parents.append(line[7:].decode('ascii', 'replace'))
    committer = find_header(payload, b'committer')
    ident = split_ident(committer) if committer is not None else None
    email, when = ident if ident is not None else ('', None)
    return RawCommit(oid, tree, tuple(parents), email, when, signature, payload, count)


def read_commits(repo: Repo, oids: Sequence[str]) -> dict[str, RawCommit]:
    """The commits as stored, in one `git cat-file --batch`; each checked against its id."""
    if not oids:
        return {}
    # hooks.gitproc runs git with replace refs and grafts off: these are the stored objects.
    out = run_git(
        'cat-file', '--batch', cwd=repo.root, stdin='\n'.join(oids).encode() + b'\n'
    ).stdout
    found: dict[str, RawCommit] = {}
    pos = 0
    for oid in oids:
        nl = out.index(b'\n', pos)
        head = out[pos:nl].split(b' ')
        pos = nl + 1
        if len(head) != 3 or head[1] != b'commit':
            raise GitError(f'{oid} is not a commit in this repository')
        size = int(head[2])
        raw = out[pos : pos + size]
        pos += size + 1
        algo = 'sha256' if len(oid) == 64 else 'sha1'
        digest = hashlib.new(algo, b'commit %d\0' % size + raw).hexdigest()
        if digest != oid:
            # Never judge (or cache) one object's content under another's id.
            raise GitError(
                f'commit {oid} does not hash to its id; the repository is corrupt: `git fsck`'
            )
        found[oid] = parse_commit(oid, raw)
    return found
