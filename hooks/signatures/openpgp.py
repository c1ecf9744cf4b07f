"""OpenPGP: gpg run against a keyring of the policy's keys only, and the keys its
`--with-colons` listings describe."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import NamedTuple

from hooks.errors import FatalError


class OpenPgpKey(NamedTuple):
    fingerprint: str                 # primary
    subkeys: frozenset[str]
    emails: frozenset[str]



def gpg(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, 'GNUPGHOME': str(home), 'LC_ALL': 'C'}
    try:
        return subprocess.run(('gpg', '--batch', '--no-tty', '--no-autostart', *args),
                              input=stdin, capture_output=True, env=env, check=False)
    except FileNotFoundError as e:
        raise FatalError('gpg is not installed: install GnuPG to check OpenPGP '
                         'signatures') from e


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
