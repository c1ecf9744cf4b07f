"""SSH keys, signatures and allowed_signers lines, read only to pick lines and word messages.

ssh-keygen decides every verdict (hooks.signatures.ssh); what is read here in Python
picks the lines of an allowed_signers file that can concern a key (a line names its key
by the key's canonical base64, the only encoding ssh-keygen accepts), maps ssh-keygen's
line numbers back, and words an explanation. Nothing here trusts a key.
"""

from __future__ import annotations

import base64
import binascii
import re
import subprocess
import time
from collections.abc import Iterable
from collections.abc import Sequence
from typing import NamedTuple

from hooks.errors import FatalError

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
GOOD = b'Good "git" signature'
LINE_ERROR = re.compile(r'^(.*?):(\d+): (.*)$')
_CA_OPTION = re.compile(rb'cert-authority', re.I)
# A key type token as OpenSSH writes them (ssh-ed25519, ecdsa-sha2-..., sk-...).
KEY_TYPE = re.compile(r'^(?:ssh-|ecdsa-|sk-)[A-Za-z0-9@._-]+$')


def run_keygen(
    *args: str, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ('ssh-keygen', *args),
            input=stdin if stdin is not None else b'',
            capture_output=True,
            check=False,
            timeout=timeout,
        )
    except FileNotFoundError as e:
        raise FatalError(
            'ssh-keygen is not installed: install OpenSSH (8.2p1 or later) to check SSH signatures'
        ) from e
    except subprocess.TimeoutExpired as e:
        raise FatalError(
            f'ssh-keygen {" ".join(args[:2])} did not finish in {timeout:.0f} s'
        ) from e


def first_line(data: bytes) -> str:
    for line in data.decode('utf-8', 'replace').splitlines():
        if line.strip():
            return line.strip()
    return ''


def printable(text: str) -> str:
    """A principal as a user can read it: invisible characters (a BOM, controls)
    shown as escapes, so two principals that differ never look the same."""
    if text.isprintable():
        return text
    return ''.join(c if c.isprintable() else c.encode('unicode_escape').decode() for c in text)


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
    size = int.from_bytes(blob[pos : pos + 4], 'big')
    end = pos + 4 + size
    return (blob[pos + 4 : end], end) if end <= len(blob) else None


def signature_key(sig: bytes) -> tuple[str, bytes] | None:
    """(key type, public key blob) inside an armored SSHSIG, or None if unreadable.

    Used only to pick the allowed_signers lines that can concern the key; ssh-keygen
    reads the signature again and decides."""
    body = b''.join(
        line.strip() for line in sig.split(b'\n') if line.strip() and not line.startswith(b'-----')
    )
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
    if first and not KEY_TYPE.match(first):
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


def line_bytes(data: bytes, numbers: Sequence[int]) -> list[bytes]:
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


def first_bad_key_line(data: bytes) -> int | None:
    """The first line of a text revocation list that is not `keytype base64`."""
    for n, raw in enumerate(data.split(b'\n'), 1):
        s = raw.strip(b' \t\r')
        if not s or s.startswith(b'#'):
            continue
        parts = s.split()
        if len(parts) < 2 or not KEY_TYPE.match(parts[0].decode('ascii', 'replace')):
            return n
        try:
            base64.b64decode(parts[1], validate=True)
        except (binascii.Error, ValueError):
            return n
    return None


def _sha256(blob: bytes) -> str:
    import hashlib

    return 'SHA256:' + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip('=')


def blob_fingerprint(key_type: str, blob: bytes) -> str:
    """The fingerprint ssh-keygen shows for a plain key ('' for a certificate, whose
    shown fingerprint is its inner key's); for naming a key that signed nothing valid."""
    return '' if is_cert(key_type) else _sha256(blob)


def output_fingerprint(stdout: bytes) -> str:
    """The key named by ssh-keygen's `Good "git" signature for P with T key F` line."""
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
    found = set()
    for token in set(re.findall(rb'AAAA[A-Za-z0-9+/]+={0,2}', data)):
        try:
            blob = base64.b64decode(token, validate=True)
        except (binascii.Error, ValueError):
            continue
        if _ssh_string(blob, 0) is not None:
            found.add(_sha256(blob))
    return found
