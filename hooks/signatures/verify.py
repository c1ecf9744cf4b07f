"""OpenPGP verification by git itself, in a GNUPGHOME holding only the trusted keys.

SSH signatures never come here: ssh-keygen judges them (hooks.signatures.ssh).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hooks.git import Repo
from hooks.gitproc import run_git
from hooks.signatures.openpgp import OpenPgpKey
from hooks.signatures.openpgp import gpg
from hooks.signatures.openpgp import parse_colons
from hooks.signatures.openpgp import sealed_home
from hooks.signatures.trust import Trust

# %GT is not used: git 2.39.5 aborts on an expired OpenPGP key when it is asked for.
_LOG_FORMAT = '%H%x1f%G?%x1f%GF%x1f%GP%x1f%GS%x1f%GK%x1f%GG'


class RawSignature(NamedTuple):
    status: str  # git's %G?
    fingerprint: str  # %GF: the signing key
    primary: str  # %GP
    signer: str  # %GS: the OpenPGP UID
    key_id: str  # %GK
    text: str  # %GG


class Verifier:
    """A GNUPGHOME holding only the trusted OpenPGP keys (a context manager)."""

    def __init__(self, repo: Repo, trust: Trust) -> None:
        self.repo = repo
        self.trust = trust
        self._stack: contextlib.ExitStack | None = None
        self._home: Path | None = None
        self._openpgp: dict[str, OpenPgpKey] | None = None

    def __enter__(self) -> Verifier:
        self._stack = contextlib.ExitStack()
        self._home = self._stack.enter_context(sealed_home())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = self._home = None

    @property
    def home(self) -> Path:
        assert self._home is not None, 'Verifier used outside its with-block'
        return self._home

    def openpgp_keys(self) -> dict[str, OpenPgpKey]:
        """Import the trusted keys (and revocations) and mark them ultimately trusted."""
        if self._openpgp is not None:
            return self._openpgp
        self._openpgp = {}
        if not self.trust.openpgp_keys:
            return self._openpgp
        files = []
        for i, (_, data) in enumerate(self.trust.openpgp_keys):
            # Revocation certificates gpg writes start their armor with ':' to stop an
            # accidental import; here importing them is the point.
            data = re.sub(rb'(?m)^:(-----BEGIN PGP PUBLIC KEY BLOCK-----)', rb'\1', data)
            path = self.home / f'key{i}.asc'
            path.write_bytes(data)
            files.append(str(path))
        # One file per key: gpg stops reading a single stream after its first armor block.
        # Twice: gpg drops a revocation certificate whose key it has not seen yet, and
        # files sort in any order (gpg names a revocation <FINGERPRINT>.rev).
        gpg(self.home, '--import', '--', *files)
        gpg(self.home, '--import', '--', *files)
        listing = gpg(self.home, '--with-colons', '--fixed-list-mode', '--list-keys')
        keys = parse_colons(listing.stdout.decode('utf-8', 'replace'))
        trust = ''.join(f'{k.fingerprint}:6:\n' for k in keys)
        if trust:
            gpg(self.home, '--import-ownertrust', stdin=trust.encode())
        self._openpgp = {k.fingerprint: k for k in keys}
        return self._openpgp

    def git_args(self) -> tuple[str, ...]:
        return (
            # SSH signatures are judged by ssh-keygen (hooks.signatures.ssh), never here.
            '-c',
            f'gpg.ssh.allowedSignersFile={os.devnull}',
            '-c',
            'gpg.program=gpg',
            '-c',
            'gpg.openpgp.program=gpg',
            # Never run gpgsm (or gitsign): X.509 is reported as unsupported, and
            # gpgsm could reach out for CRLs.
            '-c',
            'gpg.x509.program=false',
            '-c',
            'gpg.minTrustLevel=undefined',
            '-c',
            'log.showSignature=false',
        )

    def verify(self, commits: Sequence[str]) -> dict[str, RawSignature]:
        """git's own verification, one `git log --stdin` per core, in parallel."""
        if not commits:
            return {}
        if self.trust.openpgp_keys:
            self.openpgp_keys()
        from concurrent.futures import ThreadPoolExecutor

        n = max(1, min(len(commits), os.cpu_count() or 1))
        size = -(-len(commits) // n)
        chunks = [commits[i : i + size] for i in range(0, len(commits), size)]
        env = {**os.environ, 'GNUPGHOME': str(self.home), 'LC_ALL': 'C'}
        args = (
            *self.git_args(),
            'log',
            '--no-walk=unsorted',
            '-z',
            f'--format={_LOG_FORMAT}',
            '--stdin',
        )

        def run(chunk: Sequence[str]) -> bytes:
            return run_git(
                *args, cwd=self.repo.root, env=env, stdin='\n'.join(chunk).encode() + b'\n'
            ).stdout

        out: dict[str, RawSignature] = {}
        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            for data in pool.map(run, chunks):
                for record in data.split(b'\0'):
                    f = record.decode('utf-8', 'replace').strip('\n').split('\x1f')
                    if len(f) < 7:
                        continue
                    out[f[0]] = RawSignature(
                        f[1], f[2], f[3].upper() if f[3] else '', f[4], f[5], f[6].strip()
                    )
        return out
