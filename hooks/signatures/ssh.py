"""ssh-keygen decides who may sign: allowed signers, revocations, certificates.

Nothing here decides trust by reading the allowed_signers file in Python. Every
verdict is ssh-keygen's own (`-Y verify`, `-Y find-principals`, `-Y check-novalidate`,
`-Q`, `-L`), run on temporary files, so its parsing of options, quoting,
`cert-authority`, `namespaces`, `valid-after`/`valid-before`, negated patterns, KRLs and
plain revocation lists is the one that counts (hooks.signatures.sshkeys reads lines
only to pick them and to word an explanation; hooks.signatures.sshrefusal words why a
signature was refused).

Speed: one `ssh-keygen -Y verify` per signed commit (git runs two), each on a file
holding only the lines that mention the commit's key, in parallel. A large
allowed_signers file is scanned once per policy hash (hooks.signatures.trustscan); a
warm run reads no line of it.
"""

from __future__ import annotations

import base64
import itertools
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hooks.signatures.sshkeys import GOOD
from hooks.signatures.sshkeys import KRL_MAGIC
from hooks.signatures.sshkeys import PROBE_KEY
from hooks.signatures.sshkeys import PROBE_PAYLOAD
from hooks.signatures.sshkeys import PROBE_PRINCIPAL
from hooks.signatures.sshkeys import PROBE_SIGNATURE
from hooks.signatures.sshkeys import Line
from hooks.signatures.sshkeys import blob_fingerprint
from hooks.signatures.sshkeys import find_lines
from hooks.signatures.sshkeys import first_line
from hooks.signatures.sshkeys import is_cert
from hooks.signatures.sshkeys import key_fingerprint
from hooks.signatures.sshkeys import line_bytes
from hooks.signatures.sshkeys import output_fingerprint
from hooks.signatures.sshkeys import parse_line
from hooks.signatures.sshkeys import run_keygen
from hooks.signatures.sshkeys import signature_key
from hooks.signatures.sshkeys import verify_time

_MAX_TIME = 253402300799  # 9999-12-31T23:59:59Z, the last time ssh-keygen can name


class SshOutcome(NamedTuple):
    reason: str | None  # None: trusted; else a check-signatures rule id
    key: str = ''  # the signing key's fingerprint (SHA256:...)
    signer: str = ''  # the principal(s) the key is trusted for
    detail: str = ''  # words for the message


class SshCheck(NamedTuple):
    commit: str
    signature: bytes  # the armored SSHSIG, as git would pass it to ssh-keygen
    payload: bytes
    email: str  # the principal the commit claims: its committer
    when: int | None  # the committer date (None: git verifies at "now")


class SshPolicy:
    """The allowed signers and revocations of one trusted policy, and a temp dir in
    which ssh-keygen judges them (a context manager)."""

    def __init__(
        self,
        *,
        allowed: bytes | None,
        allowed_name: str | None,
        revoked: bytes | None,
        revoked_name: str | None,
        where: str,
    ) -> None:
        self.allowed = allowed
        self.allowed_name = allowed_name or 'allowed_signers'
        self.revoked = revoked
        self.revoked_name = revoked_name or 'revoked_signers'
        self.where = where
        self._dir: Path | None = None
        self._files: dict[tuple[bytes, ...], tuple[Path, list[int]]] = {}
        self.revfile: Path | None = None
        self._seq = itertools.count(1)  # next() is atomic: names stay unique across threads
        self._lines: dict[int, Line] = {}

    def __enter__(self) -> SshPolicy:
        self._dir = Path(tempfile.mkdtemp(prefix='cw-ssh-'))
        if self.revoked is not None:
            self.revfile = self._dir / 'revoked'
            self.revfile.write_bytes(self.revoked)
        return self

    def __exit__(self, *exc: object) -> None:
        import shutil

        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _path(self, name: str) -> Path:
        assert self._dir is not None, 'SshPolicy used outside its with-block'
        return self._dir / f'{next(self._seq)}-{name}'

    def write(self, name: str, data: bytes) -> Path:
        path = self._path(name)
        path.write_bytes(data)
        return path

    # -- the lines that can concern a key ------------------------------------------

    def allowed_for(self, key_type: str, key: bytes) -> tuple[Path, list[int]]:
        """An allowed-signers file with only the lines that can match `key` (its own
        lines, and cert-authority lines for a certificate), and their line numbers.

        ssh-keygen judges each line on its own and stops at the first that vouches,
        so dropping lines that cannot match changes no answer, and each call reads a
        few lines instead of a whole large file."""
        needles = (base64.b64encode(key),)
        cached = self._files.get(needles)
        if cached is not None:
            return cached
        data = self.allowed or b''
        numbers = find_lines(data, needles, authorities=is_cert(key_type))
        lines = line_bytes(data, numbers)
        path = self.write('allowed', b''.join(line + b'\n' for line in lines))
        self._files[needles] = (path, [n + 1 for n in numbers])
        return self._files[needles]

    def line(self, number: int) -> Line:
        if number not in self._lines:
            (raw,) = line_bytes(self.allowed or b'', [number - 1])
            self._lines[number] = parse_line(number, raw)
        return self._lines[number]

    # -- range mode: one verify per signed commit ------------------------------------

    def verify(
        self, checks: Sequence[SshCheck], workers: int | None = None
    ) -> dict[str, SshOutcome]:
        """ssh-keygen's verdict on each commit's signature, as its committer."""
        from concurrent.futures import ThreadPoolExecutor

        jobs: list[Callable[[], SshOutcome]] = []
        for check in checks:
            jobs.append(self._job(check))
        n = max(1, min(len(jobs), workers or (os.cpu_count() or 1) + 1))
        with ThreadPoolExecutor(max_workers=n) as pool:
            results = list(pool.map(lambda job: job(), jobs))
        return {c.commit: r for c, r in zip(checks, results, strict=True)}

    def _job(self, check: SshCheck) -> Callable[[], SshOutcome]:
        found = signature_key(check.signature)
        sig = self.write('sig', check.signature)
        if check.when is not None and not 0 <= check.when <= _MAX_TIME:
            return lambda: SshOutcome(
                'bad-signature',
                '',
                '',
                ('the committer date is out of range, so no key validity can be judged'),
            )
        if found is None or '\0' in check.email or '\n' in check.email:
            return lambda: self._explain(check, sig, None, None)
        key_type, key = found
        allowed, numbers = self.allowed_for(key_type, key)

        def job() -> SshOutcome:
            if not numbers:
                # No line names this key: nothing can vouch for it; only whether the
                # signature itself holds is left to say.
                return self._explain(check, sig, (key_type, key), None)
            proc = run_keygen(
                *self.verify_args(allowed, check.email, sig, check.when, revocation=True),
                stdin=check.payload,
            )
            if proc.returncode == 0 and proc.stdout.startswith(GOOD):
                return SshOutcome(None, output_fingerprint(proc.stdout), check.email)
            return self._explain(check, sig, (key_type, key), proc)

        return job

    def verify_args(
        self, allowed: Path, email: str, sig: Path, when: int | None, *, revocation: bool
    ) -> list[str]:
        args = ['-Y', 'verify', '-n', 'git', '-f', str(allowed), '-I', email, '-s', str(sig)]
        if when is not None:
            args.append(verify_time(when))
        if revocation and self.revfile is not None:
            args += ['-r', str(self.revfile)]
        return args

    def _explain(
        self,
        check: SshCheck,
        sig: Path,
        key: tuple[str, bytes] | None,
        first: subprocess.CompletedProcess[bytes] | None,
    ) -> SshOutcome:
        """Why ssh-keygen did not accept the signature, in ssh-keygen's own terms."""
        nv = run_keygen('-Y', 'check-novalidate', '-n', 'git', '-s', str(sig), stdin=check.payload)
        if nv.returncode != 0 or not nv.stdout.startswith(GOOD):
            why = first_line(nv.stderr) or 'the signature does not verify'
            claimed = signature_key(check.signature)
            fpr = blob_fingerprint(*claimed) if claimed else ''
            return SshOutcome('bad-signature', fpr, '', f'ssh-keygen: {why}')
        fpr = output_fingerprint(nv.stdout)
        if key is None:
            return SshOutcome(
                'bad-signature',
                fpr,
                '',
                (
                    'the committer email cannot be a principal'
                    if signature_key(check.signature)
                    else 'its key cannot be read'
                ),
            )
        key_type, blob = key
        allowed, numbers = self.allowed_for(key_type, blob)
        # Only a refusal needs the wording of why (it imports SshOutcome from here).
        from hooks.signatures.sshrefusal import judge_failure

        return judge_failure(
            self,
            fpr,
            key_type,
            blob,
            allowed,
            numbers,
            sig,
            check.payload,
            check.email,
            check.when,
            first,
        )

    # -- the pre-commit stage: may this key sign as this committer now? --------------

    def key_may_sign(self, public_key: str, email: str, when: int) -> SshOutcome:
        """ssh-keygen's answer for a key that has signed nothing yet.

        The lines naming the key are copied with the key replaced by the probe key
        (same type token rule as ssh-keygen: a line whose type does not match the key
        is left out, as ssh-keygen would reject it), and ssh-keygen verifies the probe
        signature against them: principals, options, namespaces and validity are the
        line's own, so the answer is the one it would give for the real key."""
        parts = public_key.split()
        fpr = key_fingerprint(public_key)
        key_type, b64 = parts[0], parts[1].encode()
        data = self.allowed or b''
        numbers = find_lines(data, (b64,), authorities=False)
        token = re.compile(rb'(^|[ \t])(\S+)([ \t]+)' + re.escape(b64) + rb'(?=[ \t\r]|$)')
        kept: list[bytes] = []
        kept_numbers: list[int] = []
        probe_type, probe_b64 = PROBE_KEY.split()
        for n, raw in zip(numbers, line_bytes(data, numbers), strict=True):
            m = token.search(raw)
            if m is None or m.group(2).decode('ascii', 'replace') != key_type:
                continue
            kept.append(
                raw[: m.start(2)]
                + probe_type.encode()
                + m.group(3)
                + probe_b64.encode()
                + raw[m.end() :]
            )
            kept_numbers.append(n + 1)
        allowed = self.write('allowed', b''.join(k + b'\n' for k in kept))
        sig = self.write('probe.sig', PROBE_SIGNATURE)
        revoked = self._key_revoked(public_key) if self.revoked is not None else False
        proc = run_keygen(
            *self.verify_args(allowed, email, sig, when, revocation=False), stdin=PROBE_PAYLOAD
        )
        if proc.returncode == 0 and proc.stdout.startswith(GOOD):
            if revoked:
                return SshOutcome('revoked', fpr, email, self.revoked_by())
            return SshOutcome(None, fpr, email)
        from hooks.signatures.sshrefusal import judge_failure

        return judge_failure(
            self,
            fpr,
            key_type,
            b'',
            allowed,
            kept_numbers,
            sig,
            PROBE_PAYLOAD,
            email,
            when,
            proc,
            revoked=revoked,
        )

    def revoked_by(self) -> str:
        if self.revoked is not None and self.revoked.startswith(KRL_MAGIC):
            return f'the key is revoked by the KRL {self.revoked_name} {self.where}'
        return f'the key is listed in {self.revoked_name} {self.where}'

    def _key_revoked(self, public_key: str) -> bool:
        """ssh-keygen's view: `-Q` for a KRL; for a plain list, the probe verified with
        the list's lines for this key rewritten to the probe key."""
        assert self.revoked is not None
        keyfile = self.write('key.pub', public_key.encode() + b'\n')
        if self.revoked.startswith(KRL_MAGIC):
            assert self.revfile is not None
            proc = run_keygen('-Q', '-f', str(self.revfile), str(keyfile))
            return b': REVOKED' in proc.stdout
        b64 = public_key.split()[1].encode()
        probe_type, probe_b64 = PROBE_KEY.split()
        token = re.compile(rb'(\S+)([ \t]+)' + re.escape(b64) + rb'(?=[ \t\r]|$)')
        rewritten = token.sub(
            lambda m: probe_type.encode() + m.group(2) + probe_b64.encode(), self.revoked
        )
        return not self.probe_verifies(self.write('revoked', rewritten))

    def probe_verifies(self, revocations: Path | None = None) -> bool:
        """Does the probe signature verify for the probe key under `revocations`
        (default: the policy's)? False: the probe key is revoked there, or ssh-keygen
        cannot read the file at all."""
        revfile = revocations or self.revfile
        assert revfile is not None
        allowed = self.write('allowed', f'{PROBE_PRINCIPAL} {PROBE_KEY}\n'.encode())
        sig = self.write('probe.sig', PROBE_SIGNATURE)
        proc = run_keygen(
            '-Y',
            'verify',
            '-n',
            'git',
            '-f',
            str(allowed),
            '-I',
            PROBE_PRINCIPAL,
            '-s',
            str(sig),
            '-r',
            str(revfile),
            stdin=PROBE_PAYLOAD,
        )
        return proc.returncode == 0 and proc.stdout.startswith(GOOD)
