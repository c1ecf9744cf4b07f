"""ssh-keygen decides who may sign: allowed signers, revocations, certificates.

Nothing here decides trust by reading the allowed_signers file in Python. Every
verdict is ssh-keygen's own (`-Y verify`, `-Y find-principals`, `-Y check-novalidate`,
`-Q`, `-L`), run on temporary files, so its parsing of options, quoting,
`cert-authority`, `namespaces`, `valid-after`/`valid-before`, negated patterns, KRLs and
plain revocation lists is the one that counts. Python reads the file only to pick the
lines that can concern a key (a line names its key by the key's canonical base64, the
only encoding ssh-keygen accepts), to map ssh-keygen's line numbers back, and to word an
explanation.

Speed: one `ssh-keygen -Y verify` per signed commit (git runs two), each on a file
holding only the lines that mention the commit's key, in parallel. A large
allowed_signers file is scanned once per policy hash (the result is cached by the
caller); a warm run reads no line of it.
"""
from __future__ import annotations

import base64
import binascii
import itertools
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hooks.errors import FatalError
from hooks.errors import Problem

# A signature made once with a throw-away key whose private half was destroyed: it
# lets ssh-keygen scan a whole allowed_signers file (no line holds this key, so every
# line is parsed and every rejected one reported), check that a revocation file is
# readable, and answer "may key K sign as E now?" without a signature by K (see
# `key_may_sign`).
PROBE_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPe4IyTIwMjNV9vYtHcG7nqLzdl4BwR7jUSPj08DwTdP'
PROBE_PRINCIPAL = 'probe@commit-warden.invalid'
PROBE_PAYLOAD = b'commit-warden probe\n'
PROBE_SIGNATURE = b"""-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg97gjJMjAyM1X29i0dwbueovN2X
gHBHuNRI+PTwPBN08AAAADZ2l0AAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1NTE5
AAAAQJuCeIoLNCQkDwG8t6YKUPrlkwXwmEFMidx5lv4jWUHP7ce8IYcGsj3o95umEHOOpj
xgXXt/L/nodiHoDO42JQk=
-----END SSH SIGNATURE-----
"""

KRL_MAGIC = b'SSHKRL\n\0'
BOM = b'\xef\xbb\xbf'
_GOOD = b'Good "git" signature'
_CA_OPTION = re.compile(rb'cert-authority', re.I)
_LINE_ERROR = re.compile(r'^(.*?):(\d+): (.*)$')
_MAX_NOTES = 10
_MAX_TIME = 253402300799     # 9999-12-31T23:59:59Z, the last time ssh-keygen can name
# ssh-keygen's words for a line it cannot parse (as opposed to one that parses but
# does not apply: expired, wrong namespace, certificate not valid).
_REJECTED = ('invalid line', 'invalid options', 'missing key', 'invalid key', 'bad options')


class SshOutcome(NamedTuple):
    reason: str | None       # None: trusted; else a check-signatures rule id
    key: str = ''            # the signing key's fingerprint (SHA256:...)
    signer: str = ''         # the principal(s) the key is trusted for
    detail: str = ''         # words for the message


class SshCheck(NamedTuple):
    commit: str
    signature: bytes         # the armored SSHSIG, as git would pass it to ssh-keygen
    payload: bytes
    email: str               # the principal the commit claims: its committer
    when: int | None         # the committer date (None: git verifies at "now")


def run_keygen(*args: str, stdin: bytes | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ('ssh-keygen', *args), input=stdin if stdin is not None else b'',
            capture_output=True, check=False, timeout=timeout)
    except FileNotFoundError as e:
        raise FatalError('ssh-keygen is not installed: install OpenSSH (8.2p1 or later) '
                         'to check SSH signatures') from e
    except subprocess.TimeoutExpired as e:
        raise FatalError(f'ssh-keygen {" ".join(args[:2])} did not finish in '
                         f'{timeout:.0f} s') from e


def _first_line(data: bytes) -> str:
    for line in data.decode('utf-8', 'replace').splitlines():
        if line.strip():
            return line.strip()
    return ''


def printable(text: str) -> str:
    """A principal as a user can read it: invisible characters (a BOM, controls)
    shown as escapes, so two principals that differ never look the same."""
    if text.isprintable():
        return text
    return ''.join(c if c.isprintable() else c.encode('unicode_escape').decode()
                   for c in text)


def verify_time(when: int) -> str:
    """-Overify-time for a committer date: UTC with a Z, so no time zone can shift it."""
    return '-Overify-time=' + time.strftime('%Y%m%d%H%M%SZ', time.gmtime(when))


def fmt_time(ts: int | None) -> str:
    if ts is None:
        return '-'
    return time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(ts))


def _sshtime(value: str) -> int | None:
    """An allowed_signers time as ssh-keygen reads it: YYYYMMDD[HHMM[SS]][Z], local
    time unless Z. Only for words in a message; ssh-keygen did the judging."""
    utc = value.upper().endswith('Z')
    digits = value[:-1] if utc else value
    if not digits.isdigit() or len(digits) not in (8, 12, 14):
        return None
    try:
        parts = time.strptime(digits.ljust(14, '0'), '%Y%m%d%H%M%S')
    except ValueError:
        return None
    if utc:
        import calendar
        return calendar.timegm(parts)
    return int(time.mktime(parts))


# --- reading keys out of signatures and lines -------------------------------------


def _ssh_string(blob: bytes, pos: int) -> tuple[bytes, int] | None:
    if pos + 4 > len(blob):
        return None
    size = int.from_bytes(blob[pos:pos + 4], 'big')
    end = pos + 4 + size
    return (blob[pos + 4:end], end) if end <= len(blob) else None


def signature_key(sig: bytes) -> tuple[str, bytes] | None:
    """(key type, public key blob) inside an armored SSHSIG, or None if unreadable.

    Used only to pick the allowed_signers lines that can concern the key; ssh-keygen
    reads the signature again and decides."""
    body = b''.join(line.strip() for line in sig.split(b'\n')
                    if line.strip() and not line.startswith(b'-----'))
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not blob.startswith(b'SSHSIG') or len(blob) < 10:
        return None
    got = _ssh_string(blob, 10)
    if got is None or not got[0]:
        return None
    key = got[0]
    ktype = _ssh_string(key, 0)
    if ktype is None:
        return None
    return ktype[0].decode('ascii', 'replace'), key


def is_cert(key_type: str) -> bool:
    return key_type.endswith('-cert-v01@openssh.com')


class Line(NamedTuple):
    """An allowed_signers line, read only to explain what ssh-keygen decided."""

    number: int
    principals: tuple[str, ...]
    options: dict[str, str]


def _split_token(text: str) -> tuple[str, str]:
    """ssh-keygen's strdelimw: the first blank-separated token, double quotes grouping."""
    text = text.lstrip(' \t')
    out = []
    quoted = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            quoted = not quoted
        elif c in ' \t' and not quoted:
            break
        else:
            out.append(c)
        i += 1
    return ''.join(out), text[i:]


def parse_line(number: int, raw: bytes) -> Line:
    text = raw.decode('utf-8', 'replace').strip('\r\n')
    principals, rest = _split_token(text)
    rest = rest.lstrip(' \t')
    options: dict[str, str] = {}
    first = rest.split(None, 1)[0] if rest.split() else ''
    if first and not re.match(r'^(?:ssh-|ecdsa-|sk-)', first):
        opts, in_quote, i = [], False, 0
        while i < len(rest) and (in_quote or rest[i] not in ' \t'):
            if rest[i] == '\\' and in_quote and i + 1 < len(rest):
                i += 1
            elif rest[i] == '"':
                in_quote = not in_quote
            opts.append(rest[i])
            i += 1
        for part in re.findall(r'(?:[^,"]|"[^"]*")+', ''.join(opts)):
            name, eq, value = part.partition('=')
            options[name.strip().lower()] = value.strip().strip('"') if eq else ''
    return Line(number, tuple(p for p in principals.split(',') if p), options)


def window(line: Line) -> str:
    after = _sshtime(line.options.get('valid-after', '') or '-')
    before = _sshtime(line.options.get('valid-before', '') or '-')
    return f'from {fmt_time(after)} to {fmt_time(before)}'


def find_lines(data: bytes, needles: Iterable[bytes], authorities: bool) -> list[int]:
    """0-based numbers of the lines that hold one of `needles` (or, when
    `authorities`, a cert-authority option), in file order, without splitting the file."""
    starts: set[int] = set()
    positions: list[int] = []
    for needle in needles:
        pos = data.find(needle)
        while pos >= 0:
            positions.append(pos)
            pos = data.find(needle, pos + 1)
    if authorities:
        positions.extend(m.start() for m in _CA_OPTION.finditer(data))
    numbers: list[int] = []
    line, last = 0, 0
    for pos in sorted(positions):
        start = data.rfind(b'\n', 0, pos) + 1
        if start in starts:
            continue
        starts.add(start)
        line += data.count(b'\n', last, start)
        last = start
        numbers.append(line)
    return numbers


def _line_bytes(data: bytes, numbers: Sequence[int]) -> list[bytes]:
    """The raw bytes of the given (sorted, 0-based) lines."""
    out: list[bytes] = []
    line, pos = 0, 0
    for n in numbers:
        while line < n:
            nxt = data.find(b'\n', pos)
            pos = len(data) if nxt < 0 else nxt + 1
            line += 1
        end = data.find(b'\n', pos)
        out.append(data[pos:] if end < 0 else data[pos:end])
    return out


def is_text(data: bytes) -> bool:
    """Not binary: no NUL byte, and UTF-8 or (say, Latin-1 comments) few control bytes."""
    if b'\0' in data:
        return False
    try:
        data.decode('utf-8')
    except UnicodeDecodeError:
        controls = sum(data.count(bytes([b])) for b in (*range(1, 9), 11, *range(14, 32), 127))
        return controls * 20 < len(data)
    return True


# --- the policy ---------------------------------------------------------------------


class SshPolicy:
    """The allowed signers and revocations of one trusted policy, and a temp dir in
    which ssh-keygen judges them (a context manager)."""

    def __init__(self, *, allowed: bytes | None, allowed_name: str | None,
                 revoked: bytes | None, revoked_name: str | None, where: str) -> None:
        self.allowed = allowed
        self.allowed_name = allowed_name or 'allowed_signers'
        self.revoked = revoked
        self.revoked_name = revoked_name or 'revoked_signers'
        self.where = where
        self._dir: Path | None = None
        self._files: dict[tuple[bytes, ...], tuple[Path, list[int]]] = {}
        self._revfile: Path | None = None
        self._seq = itertools.count(1)   # next() is atomic: names stay unique across threads
        self._lines: dict[int, Line] = {}

    def __enter__(self) -> SshPolicy:
        self._dir = Path(tempfile.mkdtemp(prefix='cw-ssh-'))
        if self.revoked is not None:
            self._revfile = self._dir / 'revoked'
            self._revfile.write_bytes(self.revoked)
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
        lines = _line_bytes(data, numbers)
        path = self.write('allowed', b''.join(line + b'\n' for line in lines))
        self._files[needles] = (path, [n + 1 for n in numbers])
        return self._files[needles]

    def line(self, number: int) -> Line:
        if number not in self._lines:
            (raw,) = _line_bytes(self.allowed or b'', [number - 1])
            self._lines[number] = parse_line(number, raw)
        return self._lines[number]

    # -- range mode: one verify per signed commit ------------------------------------

    def verify(self, checks: Sequence[SshCheck],
               workers: int | None = None) -> dict[str, SshOutcome]:
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
            return lambda: SshOutcome('bad-signature', '', '', (
                'the committer date is out of range, so no key validity can be judged'))
        if found is None or '\0' in check.email or '\n' in check.email:
            return lambda: self._explain(check, sig, None, None)
        key_type, key = found
        allowed, numbers = self.allowed_for(key_type, key)

        def job() -> SshOutcome:
            if not numbers:
                # No line names this key: nothing can vouch for it; only whether the
                # signature itself holds is left to say.
                return self._explain(check, sig, (key_type, key), None)
            proc = run_keygen(*self._verify_args(allowed, check.email, sig, check.when,
                                                 revocation=True), stdin=check.payload)
            if proc.returncode == 0 and proc.stdout.startswith(_GOOD):
                return SshOutcome(None, _fingerprint(proc.stdout), check.email)
            return self._explain(check, sig, (key_type, key), proc)
        return job

    def _verify_args(self, allowed: Path, email: str, sig: Path, when: int | None,
                     *, revocation: bool) -> list[str]:
        args = ['-Y', 'verify', '-n', 'git', '-f', str(allowed), '-I', email,
                '-s', str(sig)]
        if when is not None:
            args.append(verify_time(when))
        if revocation and self._revfile is not None:
            args += ['-r', str(self._revfile)]
        return args

    def _explain(self, check: SshCheck, sig: Path, key: tuple[str, bytes] | None,
                 first: subprocess.CompletedProcess[bytes] | None) -> SshOutcome:
        """Why ssh-keygen did not accept the signature, in ssh-keygen's own terms."""
        nv = run_keygen('-Y', 'check-novalidate', '-n', 'git', '-s', str(sig),
                        stdin=check.payload)
        if nv.returncode != 0 or not nv.stdout.startswith(_GOOD):
            why = _first_line(nv.stderr) or 'the signature does not verify'
            claimed = signature_key(check.signature)
            fpr = blob_fingerprint(*claimed) if claimed else ''
            return SshOutcome('bad-signature', fpr, '', f'ssh-keygen: {why}')
        fpr = _fingerprint(nv.stdout)
        if key is None:
            return SshOutcome('bad-signature', fpr, '', (
                'the committer email cannot be a principal'
                if signature_key(check.signature) else 'its key cannot be read'))
        key_type, blob = key
        allowed, numbers = self.allowed_for(key_type, blob)
        return self.judge_failure(fpr, key_type, blob, allowed, numbers, sig,
                                  check.payload, check.email, check.when, first)

    def judge_failure(self, fpr: str, key_type: str, blob: bytes, allowed: Path,
                      numbers: list[int], sig: Path, payload: bytes, email: str,
                      when: int | None,
                      first: subprocess.CompletedProcess[bytes] | None,
                      revoked: bool | None = None) -> SshOutcome:
        """Classify a signature that holds but that ssh-keygen did not accept for
        `email`: revoked, expired, someone else's key, or not trusted at all."""
        if not numbers:
            return SshOutcome('unknown-key', fpr, '', self._unlisted_hint(key_type))
        plain = first
        if revoked is None and self._revfile is not None:
            plain = run_keygen(*self._verify_args(allowed, email, sig, when,
                                                  revocation=False), stdin=payload)
            revoked = plain.returncode == 0 and plain.stdout.startswith(_GOOD)
        if revoked:
            return SshOutcome('revoked', fpr, email, self.revoked_by())
        if plain is None:
            plain = run_keygen(*self._verify_args(allowed, email, sig, when,
                                                  revocation=False), stdin=payload)
        errors = self._line_errors(plain.stderr, allowed, numbers)
        rejected = [(n, m) for n, m in errors if m.startswith(_REJECTED)]
        errors = [(n, m) for n, m in errors if not m.startswith(_REJECTED)]
        note = (f'{self.allowed_name}:{rejected[0][0]} {self.where} names '
                f'{printable(email)}, but ssh-keygen rejects that line '
                f'({rejected[0][1]})') if rejected else ''
        if errors:
            n, message = errors[0]
            where = f'{self.allowed_name}:{n} {self.where}'
            if ('expired' in message or 'not yet valid' in message):
                if 'certificate' in message:
                    cert = self.certificate(key_type, blob)
                    return SshOutcome('expired', fpr, email, (
                        f'committed {fmt_time(when)}, but the certificate is valid '
                        f'{cert.get("valid", "?")}'))
                return SshOutcome('expired', fpr, email, (
                    f'committed {fmt_time(when)}, but {where} allows the key only '
                    f'{window(self.line(n))}'))
            if 'namespace' in message:
                return SshOutcome('unknown-key', fpr, '', (
                    f'{where} lists the key for {printable(email)}, but not for git '
                    'signatures (its namespaces= option excludes "git")'))
            if 'principal' in message and 'certificate' in message:
                cert = self.certificate(key_type, blob)
                return SshOutcome('signer-mismatch', fpr,
                                  cert.get('principals', '') or '(no principals)',
                                  'the certificate is not issued for the committer')
            return SshOutcome('unknown-key', fpr, '', f'ssh-keygen: {where}: {message}')
        fp_args = ['-Y', 'find-principals', '-f', str(allowed), '-s', str(sig)]
        if when is not None:
            fp_args.append(verify_time(when))
        found = run_keygen(*fp_args)
        principals = [p for p in found.stdout.decode('utf-8', 'replace').split('\n') if p]
        if found.returncode == 0 and principals:
            return SshOutcome('signer-mismatch', fpr,
                              ', '.join(printable(p) for p in principals), note)
        if note:
            return SshOutcome('unknown-key', fpr, '', note)
        # Listed, but for no one at this date: say for whom, and when.
        lines = [self.line(n) for n in numbers]
        if is_cert(key_type):
            cert = self.certificate(key_type, blob)
            return SshOutcome('unknown-key', fpr, '', (
                'no cert-authority line for its CA vouches for this certificate as '
                f'{printable(email)} (certificate principals: '
                f'{cert.get("principals", "?")}; valid {cert.get("valid", "?")})'))
        listed = [ln for ln in lines if 'cert-authority' not in ln.options]
        if not listed:
            return SshOutcome('unknown-key', fpr, '', (
                f'{self.allowed_name}:{lines[0].number} lists this key as a '
                'cert-authority: it vouches for certificates it signed, never for its '
                'own signatures'))
        for ln in listed:
            if 'valid-after' in ln.options or 'valid-before' in ln.options:
                return SshOutcome('signer-mismatch', fpr, ', '.join(
                    printable(p) for p in ln.principals), (
                    f'{self.allowed_name}:{ln.number} {self.where} allows the key '
                    f'{window(ln)}, committed {fmt_time(when)}'))
        return SshOutcome('unknown-key', fpr, '', (
            f'ssh-keygen accepts no line of {self.allowed_name} for this key'))

    def _unlisted_hint(self, key_type: str) -> str:
        if is_cert(key_type):
            return ('an SSH certificate is trusted through a cert-authority line for its '
                    'CA, not by listing its key')
        return ''

    def _line_errors(self, stderr: bytes, allowed: Path,
                     numbers: Sequence[int]) -> list[tuple[int, str]]:
        out = []
        for text in stderr.decode('utf-8', 'replace').splitlines():
            m = _LINE_ERROR.match(text)
            if m is None or m.group(1) != str(allowed):
                continue
            i = int(m.group(2)) - 1
            if 0 <= i < len(numbers):
                out.append((numbers[i], m.group(3)))
        return out

    def certificate(self, key_type: str, blob: bytes) -> dict[str, str]:
        """What `ssh-keygen -L` says of a certificate: its validity and principals."""
        path = self.write('cert.pub', f'{key_type} '.encode() + base64.b64encode(blob)
                          + b'\n')
        proc = run_keygen('-L', '-f', str(path))
        info: dict[str, str] = {}
        lines = proc.stdout.decode('utf-8', 'replace').splitlines()
        for i, text in enumerate(lines):
            s = text.strip()
            if s.startswith('Valid:'):
                info['valid'] = s[len('Valid:'):].strip()
            elif s.startswith('Principals:'):
                names = []
                for more in lines[i + 1:]:
                    if not more.startswith(' ' * 16):
                        break
                    names.append(more.strip())
                info['principals'] = ', '.join(printable(n) for n in names)
        return info

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
        for n, raw in zip(numbers, _line_bytes(data, numbers), strict=True):
            m = token.search(raw)
            if m is None or m.group(2).decode('ascii', 'replace') != key_type:
                continue
            kept.append(raw[:m.start(2)] + probe_type.encode() + m.group(3)
                        + probe_b64.encode() + raw[m.end():])
            kept_numbers.append(n + 1)
        allowed = self.write('allowed', b''.join(k + b'\n' for k in kept))
        sig = self.write('probe.sig', PROBE_SIGNATURE)
        revoked = self._key_revoked(public_key) if self.revoked is not None else False
        proc = run_keygen(*self._verify_args(allowed, email, sig, when, revocation=False),
                          stdin=PROBE_PAYLOAD)
        if proc.returncode == 0 and proc.stdout.startswith(_GOOD):
            if revoked:
                return SshOutcome('revoked', fpr, email, self.revoked_by())
            return SshOutcome(None, fpr, email)
        return self.judge_failure(fpr, key_type, b'', allowed, kept_numbers, sig,
                                  PROBE_PAYLOAD, email, when, proc, revoked=revoked)

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
            assert self._revfile is not None
            proc = run_keygen('-Q', '-f', str(self._revfile), str(keyfile))
            return b': REVOKED' in proc.stdout
        b64 = public_key.split()[1].encode()
        probe_type, probe_b64 = PROBE_KEY.split()
        token = re.compile(rb'(\S+)([ \t]+)' + re.escape(b64) + rb'(?=[ \t\r]|$)')
        rewritten = token.sub(lambda m: probe_type.encode() + m.group(2)
                              + probe_b64.encode(), self.revoked)
        revfile = self.write('revoked', rewritten)
        allowed = self.write('allowed', f'{PROBE_PRINCIPAL} {PROBE_KEY}\n'.encode())
        sig = self.write('probe.sig', PROBE_SIGNATURE)
        proc = run_keygen('-Y', 'verify', '-n', 'git', '-f', str(allowed), '-I',
                          PROBE_PRINCIPAL, '-s', str(sig), '-r', str(revfile),
                          stdin=PROBE_PAYLOAD)
        return not (proc.returncode == 0 and proc.stdout.startswith(_GOOD))

    # -- policy problems (once per policy hash) -------------------------------------

    def allowed_problems(self) -> tuple[list[Problem], list[Problem]]:
        """(errors, notes) for the allowed_signers file, as ssh-keygen reads it.

        Errors make the policy unusable (exit 2); notes name the lines ssh-keygen
        rejects (each trusts nothing) and anything that reads differently from how it
        looks."""
        data = self.allowed
        if data is None:
            return [], []
        name = f'{self.allowed_name} {self.where}'
        if not is_text(data):
            return [Problem('', 0, (
                f'signatures.allowed_signers: {name} is not a text file ('
                + ('it holds NUL bytes' if b'\0' in data else 'it is mostly control bytes')
                + '): ssh-keygen can read no signer from it, so it trusts nobody; point '
                  'the policy at an allowed_signers file (`principals [options] keytype '
                  'key`, one per line)'))], []
        notes: list[Problem] = []
        if data.startswith(BOM):
            first = parse_line(1, data[:data.find(b'\n') if b'\n' in data else len(data)])
            shown = printable(first.principals[0]) if first.principals else '\\ufeff'
            notes.append(Problem(self.allowed_name, 1, (
                f'the file starts with a UTF-8 byte-order mark, which ssh-keygen reads as '
                f'part of the first principal ("{shown}"); save it without one (e.g. '
                f"`sed -i '1s/^\\xEF\\xBB\\xBF//' {self.allowed_name}`)")))
        allowed = self.write('scan', data)
        sig = self.write('probe.sig', PROBE_SIGNATURE)
        proc = run_keygen('-Y', 'find-principals', '-f', str(allowed), '-s', str(sig))
        rejected: list[tuple[int, str]] = []
        for text in proc.stderr.decode('utf-8', 'replace').splitlines():
            m = _LINE_ERROR.match(text)
            if m is not None and m.group(1) == str(allowed):
                rejected.append((int(m.group(2)), m.group(3)))
        for n, why in rejected[:_MAX_NOTES]:
            notes.append(Problem(self.allowed_name, n, (
                f'ssh-keygen rejects this line ({why}), so it trusts nobody'
                + _REJECT_HINTS.get(why.split(': ')[-1], ''))))
        if len(rejected) > _MAX_NOTES:
            notes.append(Problem(self.allowed_name, rejected[_MAX_NOTES][0], (
                f'... and {len(rejected) - _MAX_NOTES} more lines ssh-keygen rejects '
                f'({len(rejected)} in all); `ssh-keygen -Y find-principals -f '
                f'{self.allowed_name} -s <any .sig>` lists them')))
        return [], notes

    def revoked_problems(self) -> list[Problem]:
        """Errors for a revocation file ssh-keygen cannot read: it would then reject
        every signature, so no verdict could be trusted."""
        data = self.revoked
        if data is None:
            return []
        name = f'{self.revoked_name} {self.where}'
        allowed = self.write('allowed', f'{PROBE_PRINCIPAL} {PROBE_KEY}\n'.encode())
        sig = self.write('probe.sig', PROBE_SIGNATURE)
        assert self._revfile is not None
        proc = run_keygen('-Y', 'verify', '-n', 'git', '-f', str(allowed), '-I',
                          PROBE_PRINCIPAL, '-s', str(sig), '-r', str(self._revfile),
                          stdin=PROBE_PAYLOAD)
        if proc.returncode == 0 and proc.stdout.startswith(_GOOD):
            return []
        if data.startswith(KRL_MAGIC):
            what = 'it starts like a KRL, but ssh-keygen cannot read it as one'
        elif not is_text(data):
            what = ('it is neither a KRL (`ssh-keygen -k` makes one) nor a text list of '
                    'public keys')
        else:
            bad = _first_bad_key_line(data)
            what = (f'line {bad} is not a public key (a text revocation file is a list '
                    'of public keys; KRL specifications such as `serial:` or `sha256:` '
                    'must be compiled with `ssh-keygen -k`)') if bad else \
                'ssh-keygen cannot read it'
        return [Problem('', 0, (
            f'signatures.revoked_signers: {name}: {what}; ssh-keygen then rejects every '
            'SSH signature, so nothing could be judged'))]


_REJECT_HINTS = {
    'missing start quote': '; option values must be quoted, e.g. valid-before="20270101"',
    'unknown key option': ('; allowed_signers options are cert-authority, namespaces=, '
                           'valid-after= and valid-before='),
    'invalid key': '',
}


def _first_bad_key_line(data: bytes) -> int | None:
    """The first line of a text revocation list that is not `keytype base64`."""
    for n, raw in enumerate(data.split(b'\n'), 1):
        s = raw.strip(b' \t\r')
        if not s or s.startswith(b'#'):
            continue
        parts = s.split()
        if len(parts) < 2 or not re.match(rb'^(?:ssh-|ecdsa-|sk-)[A-Za-z0-9@._-]+$',
                                          parts[0]):
            return n
        try:
            base64.b64decode(parts[1], validate=True)
        except (binascii.Error, ValueError):
            return n
    return None


def blob_fingerprint(key_type: str, blob: bytes) -> str:
    """The fingerprint ssh-keygen shows for a plain key ('' for a certificate, whose
    shown fingerprint is its inner key's); for naming a key that signed nothing valid."""
    import hashlib

    if is_cert(key_type):
        return ''
    return 'SHA256:' + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip('=')


def _fingerprint(stdout: bytes) -> str:
    first = stdout.decode('utf-8', 'replace').split('\n', 1)[0]
    _, sep, fpr = first.rpartition(' key ')
    return fpr.strip() if sep else ''


def key_fingerprint(public_key: str) -> str:
    """ssh-keygen's fingerprint of a public key ('type base64 ...'), or '' if it is
    not one."""
    proc = run_keygen('-l', '-f', '-', stdin=public_key.encode() + b'\n')
    parts = proc.stdout.decode('utf-8', 'replace').split()
    return parts[1] if proc.returncode == 0 and len(parts) > 1 else ''


def fingerprints_in(data: bytes) -> set[str]:
    """Fingerprints of the keys a file names (any base64 token that decodes to an SSH
    key blob), to say that a change adds a key; never used to trust one."""
    import hashlib

    found = set()
    for token in set(re.findall(rb'AAAA[A-Za-z0-9+/]+={0,2}', data)):
        try:
            blob = base64.b64decode(token, validate=True)
        except (binascii.Error, ValueError):
            continue
        if _ssh_string(blob, 0) is not None:
            found.add('SHA256:' + base64.b64encode(hashlib.sha256(blob).digest())
                      .decode().rstrip('='))
    return found
