"""OpenPGP trust files as gpg reads them, and what gpg's verification output says.

gpg is the authority: whether a trust file holds private key material is what
`gpg --show-keys` lists (`sec`/`ssb`), and how many signatures a commit carries is how
many gpg reports checking.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hooks.errors import FatalError
from hooks.errors import Problem

_SIGNATURE_MADE = re.compile(r'^gpg: Signature made ', re.M)


def signature_count(gpg_output: str) -> int:
    """How many signatures gpg checked (its `Signature made` lines, LC_ALL=C)."""
    return len(_SIGNATURE_MADE.findall(gpg_output))


def private_key_problems(files: Sequence[tuple[str, bytes]], where: str) -> list[Problem]:
    """An error for each trust file that holds private key material."""
    if not files:
        return []
    home = Path(tempfile.mkdtemp(prefix='cw-pgp-'))
    try:
        home.chmod(0o700)
        (home / 'gpg.conf').write_text('no-autostart\nno-auto-key-retrieve\n'
                                       'no-auto-key-locate\n')
        bad: list[str] = []
        for i, (name, data) in enumerate(files):
            if b'PRIVATE KEY BLOCK-----' in data:
                bad.append(name)
                continue
            path = home / f'key{i}'
            path.write_bytes(data)
            try:
                proc = subprocess.run(
                    ('gpg', '--batch', '--no-tty', '--no-autostart', '--with-colons',
                     '--show-keys', '--', str(path)),
                    capture_output=True, check=False,
                    env={**os.environ, 'GNUPGHOME': str(home), 'LC_ALL': 'C'})
            except FileNotFoundError as e:
                raise FatalError('gpg is not installed: install GnuPG to check OpenPGP '
                                 'signatures') from e
            if any(line.startswith((b'sec:', b'ssb:')) for line in proc.stdout.split(b'\n')):
                bad.append(name)
    finally:
        if any(home.glob('S.gpg-agent*')):
            subprocess.run(('gpgconf', '--kill', 'all'), capture_output=True, check=False,
                           env={**os.environ, 'GNUPGHOME': str(home)})
        shutil.rmtree(home, ignore_errors=True)
    return [Problem('', 0, (
        f'signatures.openpgp_keys: {name} {where} holds a private key: publish only the '
        'public key (`gpg --armor --export <fingerprint>`), and treat the private key as '
        'leaked (revoke it and make a new one)')) for name in bad]
