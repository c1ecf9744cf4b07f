"""Verification by git itself, against the trusted policy only: a temporary
allowed-signers file, revocation list and GNUPGHOME holding only the trusted keys."""
from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hooks.git import Repo
from hooks.git import run_git
from hooks.signatures.openpgp import OpenPgpKey
from hooks.signatures.openpgp import gpg
from hooks.signatures.openpgp import parse_colons
from hooks.signatures.trust import Trust

# %GT is not used: git 2.39.5 aborts on an expired OpenPGP key when it is asked for.
_LOG_FORMAT = '%H%x1f%G?%x1f%GF%x1f%GP%x1f%GS%x1f%GK%x1f%GG'
_SIG_HEADERS = (b'gpgsig ', b'gpgsig-sha256 ')


class RawSignature(NamedTuple):
    status: str          # git's %G?
    fingerprint: str     # %GF: the signing key (SSH: SHA256:...)
    primary: str         # %GP
    signer: str          # %GS: SSH principal, or the OpenPGP UID
    key_id: str          # %GK
    text: str            # %GG


class Verifier:
    """A temp dir with the trusted allowed-signers file, revocations and a GNUPGHOME
    holding only the trusted OpenPGP keys; removed on exit."""

    def __init__(self, repo: Repo, trust: Trust) -> None:
        self.repo = repo
        self.trust = trust
        self._dir: Path | None = None
        self._openpgp: dict[str, OpenPgpKey] | None = None

    def __enter__(self) -> Verifier:
        import tempfile
        # A short path: gpg's socket names must fit in sun_path.
        self._dir = Path(tempfile.mkdtemp(prefix='cw-sig-'))
        (self._dir / 'allowed_signers').write_bytes(self.trust.allowed_signers or b'')
        (self._dir / 'revoked').write_bytes(self.trust.revoked_signers or b'')
        home = self._dir / 'gnupg'
        home.mkdir(mode=0o700)
        # no-autostart: verification needs no agent, and none is left running.
        (home / 'gpg.conf').write_text('no-autostart\nno-auto-key-retrieve\n'
                                       'no-auto-key-locate\n')
        return self

    def __exit__(self, *exc: object) -> None:
        import shutil

        if self._dir is not None:
            home = self._dir / 'gnupg'
            if any(home.glob('S.gpg-agent*')):
                subprocess.run(('gpgconf', '--kill', 'all'), capture_output=True,
                               env={**os.environ, 'GNUPGHOME': str(home)}, check=False)
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    @property
    def home(self) -> Path:
        assert self._dir is not None
        return self._dir / 'gnupg'

    def openpgp_keys(self) -> dict[str, OpenPgpKey]:
        """Import the trusted keys (and revocations) and mark them ultimately trusted."""
        if self._openpgp is not None:
            return self._openpgp
        self._openpgp = {}
        if not self.trust.openpgp_keys:
            return self._openpgp
        assert self._dir is not None
        files = []
        for i, (_, data) in enumerate(self.trust.openpgp_keys):
            # Revocation certificates gpg writes start their armor with ':' to stop an
            # accidental import; here importing them is the point.
            data = re.sub(rb'(?m)^:(-----BEGIN PGP PUBLIC KEY BLOCK-----)', rb'\1', data)
            path = self._dir / f'key{i}.asc'
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
        assert self._dir is not None
        return (
            '-c', f'gpg.ssh.allowedSignersFile={self._dir / "allowed_signers"}',
            '-c', f'gpg.ssh.revocationFile={self._dir / "revoked"}',
            '-c', 'gpg.ssh.program=ssh-keygen',
            '-c', 'gpg.program=gpg', '-c', 'gpg.openpgp.program=gpg',
            # Never run gpgsm (or gitsign): X.509 is reported as unsupported, and
            # gpgsm could reach out for CRLs.
            '-c', 'gpg.x509.program=false',
            '-c', 'gpg.minTrustLevel=undefined',
            '-c', 'log.showSignature=false',
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
        chunks = [commits[i:i + size] for i in range(0, len(commits), size)]
        env = {**os.environ, 'GNUPGHOME': str(self.home), 'LC_ALL': 'C'}
        args = (*self.git_args(), 'log', '--no-walk=unsorted', '-z',
                f'--format={_LOG_FORMAT}', '--stdin')

        def run(chunk: Sequence[str]) -> bytes:
            return run_git(*args, cwd=self.repo.root, env=env,
                           stdin='\n'.join(chunk).encode() + b'\n').stdout

        out: dict[str, RawSignature] = {}
        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            for data in pool.map(run, chunks):
                for record in data.split(b'\0'):
                    f = record.decode('utf-8', 'replace').strip('\n').split('\x1f')
                    if len(f) < 7:
                        continue
                    out[f[0]] = RawSignature(f[1], f[2], f[3].upper() if f[3] else '',
                                             f[4], f[5], f[6].strip())
        return out


def signature_header(raw_commit: bytes) -> bytes | None:
    """The commit's own signature (gpgsig header), unfolded; None if unsigned."""
    head = raw_commit.split(b'\n\n', 1)[0]
    lines = head.split(b'\n')
    for i, line in enumerate(lines):
        for name in _SIG_HEADERS:
            if line.startswith(name):
                sig = [line[len(name):]]
                for cont in lines[i + 1:]:
                    if not cont.startswith(b' '):
                        break
                    sig.append(cont[1:])
                return b'\n'.join(sig)
    return None


def signature_kind(sig: bytes) -> str:
    if b'-----BEGIN SSH SIGNATURE-----' in sig:
        return 'ssh'
    if b'-----BEGIN PGP SIGNATURE-----' in sig:
        return 'openpgp'
    if b'-----BEGIN SIGNED MESSAGE-----' in sig:
        return 'x509'
    return 'unknown'

