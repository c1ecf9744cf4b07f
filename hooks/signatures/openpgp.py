"""OpenPGP as gpg reads it: a sealed keyring, key listings, private keys in trust files.

gpg is the authority: gpg runs against a temporary keyring of the policy's keys only;
whether a trust file holds private key material is what `gpg --show-keys` lists
(`sec`/`ssb`), and how many signatures a commit carries is how many gpg reports
checking.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hooks.errors import FatalError
from hooks.errors import Problem

_SIGNATURE_MADE = re.compile(r'^gpg: Signature made ', re.M)


class OpenPgpKey(NamedTuple):
    fingerprint: str  # primary
    subkeys: frozenset[str]
    emails: frozenset[str]


@contextlib.contextmanager
def sealed_home() -> Iterator[Path]:
    """A temporary, empty GNUPGHOME that starts no agent and fetches no key; removed
    (and any agent gpg started anyway stopped) on exit."""
    import shutil
    import tempfile

    # A short path: gpg's socket names must fit in sun_path.
    home = Path(tempfile.mkdtemp(prefix='cw-gpg-'))
    try:
        home.chmod(0o700)
        (home / 'gpg.conf').write_text('no-autostart\nno-auto-key-retrieve\nno-auto-key-locate\n')
        yield home
    finally:
        if any(home.glob('S.gpg-agent*')):
            subprocess.run(
                ('gpgconf', '--kill', 'all'),
                capture_output=True,
                check=False,
                env={**os.environ, 'GNUPGHOME': str(home)},
            )
        shutil.rmtree(home, ignore_errors=True)


def gpg(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, 'GNUPGHOME': str(home), 'LC_ALL': 'C'}
    try:
        return subprocess.run(
            ('gpg', '--batch', '--no-tty', '--no-autostart', *args),
            input=stdin,
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError as e:
        raise FatalError('gpg is not installed: install GnuPG to check OpenPGP signatures') from e


def parse_colons(text: str) -> list[OpenPgpKey]:
    """Keys from `gpg --with-colons` listing output (pub/sec, sub/ssb, fpr, uid)."""
    keys: list[OpenPgpKey] = []
    primary = ''
    subs: set[str] = set()
    emails: set[str] = set()
    last = ''

    def flush() -> None:
        if primary:
            keys.append(OpenPgpKey(primary, frozenset(subs), frozenset(emails)))

    for line in text.splitlines():
        f = line.split(':')
        if f[0] in ('pub', 'sec'):
            flush()
            primary, subs, emails, last = '', set(), set(), f[0]
        elif f[0] in ('sub', 'ssb'):
            last = f[0]
        elif f[0] == 'fpr' and len(f) > 9:
            if last in ('pub', 'sec') and not primary:
                primary = f[9].upper()
            else:
                subs.add(f[9].upper())
        elif f[0] == 'uid' and len(f) > 9 and f[1] != 'r':
            m = re.search(r'<([^<>]+)>', f[9])
            emails.add((m.group(1) if m else f[9]).lower())
    flush()
    return keys


def signature_count(gpg_output: str) -> int:
    """How many signatures gpg checked (its `Signature made` lines, LC_ALL=C)."""
    return len(_SIGNATURE_MADE.findall(gpg_output))


def private_key_problems(files: Sequence[tuple[str, bytes]], where: str) -> list[Problem]:
    """An error for each trust file that holds private key material."""
    if not files:
        return []
    bad: list[str] = []
    with sealed_home() as home:
        for i, (name, data) in enumerate(files):
            if b'PRIVATE KEY BLOCK-----' in data:
                bad.append(name)
                continue
            path = home / f'key{i}'
            path.write_bytes(data)
            listing = gpg(home, '--with-colons', '--show-keys', '--', str(path)).stdout
            if any(line.startswith((b'sec:', b'ssb:')) for line in listing.split(b'\n')):
                bad.append(name)
    return [
        Problem(
            '',
            0,
            (
                f'signatures.openpgp_keys: {name} {where} holds a private key: publish only the '
                'public key (`gpg --armor --export <fingerprint>`), and treat the private key as '
                'leaked (revoke it and make a new one)'
            ),
        )
        for name in bad
    ]
