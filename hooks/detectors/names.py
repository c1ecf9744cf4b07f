"""Which names call for a secret: shared by the generic detector and the prefilter.

Kept free of detect_secrets, so the engine can tell a line that merely says
`pass` or `signed` from one that assigns a password without importing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hooks.detectors.namewords import EXCLUDED_ANYWHERE
from hooks.detectors.namewords import EXCLUDED_LAST
from hooks.detectors.namewords import KEY_NOT_SECRET
from hooks.detectors.namewords import KEY_QUALIFIERS
from hooks.detectors.namewords import PASSWORD_SEGMENTS
from hooks.detectors.namewords import SECRET_SEGMENTS
from hooks.detectors.namewords import TOKEN_SEGMENTS

# Where a key name may be: found by its keyword, then widened to the whole
# name, so the cost is linear in the line (no leading [\w]* to backtrack over).
KEYWORD_RE = re.compile(r'(?i)pass|pwd|secret|token|key|cred|auth|bearer')
NAME_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-')
_SEGMENT_RE = re.compile(r'[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])')


def split_name(name: str) -> list[str]:
    # sumoKey1, typeform_token2: a number after the word does not change it.
    return [s.lower().rstrip('0123456789') or s for s in _SEGMENT_RE.findall(name)]


def classify_name(name: str) -> str | None:
    """The generic rule a key name calls for, or None if it names no secret."""
    segments = split_name(name)
    if not segments or any(s in EXCLUDED_ANYWHERE for s in segments):
        return None
    if name in ('PWD', 'OLDPWD'):
        return None  # the shell's working directory, not a password
    if segments[-1] in EXCLUDED_LAST:
        return None
    if any(s in PASSWORD_SEGMENTS or s.endswith(('password', 'passwd')) for s in segments):
        return 'generic-password'
    if any(s in SECRET_SEGMENTS or s.endswith('secret') for s in segments):
        return 'generic-secret'
    if any(s in TOKEN_SEGMENTS or s.endswith('token') for s in segments):
        return 'generic-token'
    for i, s in enumerate(segments):
        if s == 'key' and i > 0 and segments[i - 1] in KEY_QUALIFIERS:
            return 'generic-api-key'
        if s.endswith('key') and s[:-3] in KEY_QUALIFIERS:
            return 'generic-api-key'
    last = segments[-1]
    if len(segments) > 1 and last == 'key' and segments[-2] not in KEY_NOT_SECRET:
        # stripeKey, BITFINEX_KEY: a service's key; its value must still look random.
        return 'generic-api-key'
    return None


def _widen(text: str, kw_start: int, kw_end: int) -> tuple[int, int]:
    """The whole name around a keyword match (bounded: linear in the line)."""
    start, end = kw_start, kw_end
    while start > 0 and end - start < 80 and text[start - 1] in NAME_CHARS:
        start -= 1
    while end < len(text) and end - start < 80 and text[end] in NAME_CHARS:
        end += 1
    while text[start] in '.-' and start < kw_start:
        start += 1  # --password: the dashes are a flag, not the name
    return start, end


def secret_names(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, generic rule id) of each name in `text` that calls for a secret:
    found by its keyword, widened to the whole name, then classified."""
    end_of_last = -1
    for kw in KEYWORD_RE.finditer(text):
        if kw.start() < end_of_last:
            continue
        start, end = _widen(text, kw.start(), kw.end())
        end_of_last = end
        if text[max(start - 2, 0) : start] == '::':
            continue  # the last part of a type name (AWS::ApiGateway::ApiKey, Perl::Pass)
        rule_id = classify_name(text[start:end].strip('.-'))
        if rule_id is not None:
            yield start, end, rule_id


# What may follow a secret's name when a value is assigned to it: a quote or
# bracket closing the name, an operator, or the end of an XML start tag.
_AFTER_NAME = frozenset('\'"`]>:=,<')


def has_secret_name(text: str) -> bool:
    """Whether some name in `text` calls for a secret and is followed by what
    could assign it a value: a cheap, necessary condition of the generic rules
    (`pass`, `passed` or `token is None` do not meet it)."""
    for start, end, _ in secret_names(text):
        after = text[end : end + 12].lstrip(' \t\\')
        flag = text[max(start - 2, 0) : start] == '--'
        docker_env = text[:start].strip() == 'ENV'  # Dockerfile: ENV NAME value
        setter = after[:1] == '(' and after[1:2] in ('"', "'")
        if after and (after[0] in _AFTER_NAME or flag or docker_env or setter):
            return True
    return False
