"""SSH trust: allowed_signers lines, revocation lists, key fingerprints, and
OpenSSH's pattern lists (principals, namespaces)."""
from __future__ import annotations

import base64
import binascii
import contextlib
import re
import time
from collections.abc import Iterable
from typing import NamedTuple

KEY_TYPE = re.compile(r'^(?:ssh-|ecdsa-|sk-)[A-Za-z0-9@._-]+$')


class SshSigner(NamedTuple):
    """One line of an allowed_signers file."""

    line: int
    principals: tuple[str, ...]
    fingerprint: str
    key: str                         # 'type base64', as a user would paste it
    namespaces: tuple[str, ...] | None
    valid_after: int | None
    valid_before: int | None
    cert_authority: bool

    def allows_git(self) -> bool:
        return self.namespaces is None or any(
            pattern_match(ns, 'git') for ns in self.namespaces)

    def valid_at(self, when: int) -> bool:
        return ((self.valid_after is None or when >= self.valid_after)
                and (self.valid_before is None or when <= self.valid_before))

    def is_for(self, email: str) -> bool:
        return principal_match(self.principals, email)




def ssh_fingerprint(blob: bytes) -> str:
    import hashlib

    return 'SHA256:' + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip('=')


def _tokens(line: str) -> list[str]:
    """Split on blanks, keeping double-quoted runs (option values) together."""
    out: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch in ' \t' and not quoted:
            if cur:
                out.append(''.join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        out.append(''.join(cur))
    return out


def _split_options(text: str) -> list[tuple[str, str | None]]:
    opts: list[tuple[str, str | None]] = []
    for part in re.findall(r'(?:[^,"]|"[^"]*")+', text):
        name, eq, value = part.partition('=')
        opts.append((name.strip().lower(), value.strip().strip('"') if eq else None))
    return opts


def _ssh_time(value: str) -> int | None:
    """allowed_signers times: YYYYMMDD[HHMM[SS]], UTC with a Z suffix, else local."""
    utc = value.upper().endswith('Z')
    digits = value[:-1] if utc else value
    if not digits.isdigit() or len(digits) not in (8, 12, 14):
        return None
    digits = digits.ljust(14, '0')
    try:
        parts = time.strptime(digits, '%Y%m%d%H%M%S')
    except ValueError:
        return None
    if utc:
        import calendar
        return calendar.timegm(parts)
    return int(time.mktime(parts))


def parse_allowed_signers(data: bytes, source: str) -> tuple[list[SshSigner], list[str]]:
    signers: list[SshSigner] = []
    problems: list[str] = []
    for n, raw in enumerate(data.decode('utf-8', 'replace').splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        toks = _tokens(line)
        options: list[tuple[str, str | None]] = []
        if len(toks) >= 3 and not KEY_TYPE.match(toks[1]):
            options = _split_options(toks[1])
            toks = [toks[0], *toks[2:]]
        if len(toks) < 3 or not KEY_TYPE.match(toks[1]):
            problems.append(f'{source}:{n}: not an allowed-signers line (expected '
                            '`principals [options] keytype key`); ignored')
            continue
        try:
            blob = base64.b64decode(toks[2], validate=True)
        except binascii.Error:
            problems.append(f'{source}:{n}: the key is not valid base64; ignored')
            continue
        opt = {k: v or '' for k, v in options}
        namespaces = tuple(s.strip() for s in opt['namespaces'].split(',')) \
            if opt.get('namespaces') else None
        after = _ssh_time(opt['valid-after']) if opt.get('valid-after') else None
        before = _ssh_time(opt['valid-before']) if opt.get('valid-before') else None
        bad = [k for k in ('valid-after', 'valid-before')
               if opt.get(k) and _ssh_time(opt[k]) is None]
        if bad:
            # ssh-keygen rejects the line too: ignoring it is what git will do.
            problems.append(f'{source}:{n}: {bad[0]}={opt[bad[0]]!r} is not a valid time '
                            '(YYYYMMDD[HHMM[SS]][Z], quoted); the line is ignored')
            continue
        signers.append(SshSigner(
            line=n, principals=tuple(p for p in toks[0].strip('"').split(',') if p),
            fingerprint=ssh_fingerprint(blob), key=f'{toks[1]} {toks[2]}',
            namespaces=namespaces, valid_after=after, valid_before=before,
            cert_authority='cert-authority' in opt))
    return signers, problems


def parse_revoked(data: bytes) -> frozenset[str]:
    """Fingerprints of a plain list of revoked public keys (a binary KRL gives none;
    git still applies it, and its verdict then shows as a bad signature)."""
    found = set()
    for line in data.decode('utf-8', 'replace').splitlines():
        for i, tok in enumerate(line.split()):
            if KEY_TYPE.match(tok) and i + 1 < len(line.split()):
                with contextlib.suppress(binascii.Error):
                    found.add(ssh_fingerprint(base64.b64decode(line.split()[i + 1],
                                                               validate=True)))
                break
    return frozenset(found)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(''.join(
        '.*' if c == '*' else '.' if c == '?' else re.escape(c) for c in pattern.lower()),
        re.S)


def pattern_match(pattern: str, value: str) -> bool:
    return _glob_regex(pattern).fullmatch(value.lower()) is not None


def principal_match(patterns: Iterable[str], email: str) -> bool:
    """OpenSSH pattern-list semantics: a matching `!pattern` vetoes."""
    matched = False
    for p in patterns:
        if p.startswith('!'):
            if pattern_match(p[1:], email):
                return False
        elif pattern_match(p, email):
            matched = True
    return matched


def sshsig_key_fingerprint(sig: bytes) -> str | None:
    """The public key inside an armored SSHSIG blob (its fingerprint), or None."""
    body = b''.join(line.strip() for line in sig.split(b'\n') if not line.startswith(b'-----'))
    try:
        blob = base64.b64decode(body)
    except binascii.Error:
        return None
    if not blob.startswith(b'SSHSIG') or len(blob) < 14:
        return None
    size = int.from_bytes(blob[10:14], 'big')
    key = blob[14:14 + size]
    return ssh_fingerprint(key) if len(key) == size and size else None


def fmt_time(ts: int | None) -> str:
    if ts is None:
        return '-'
    return time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(ts))
