"""Findings, secret masking, fingerprints, and the one exit-code boundary."""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import NamedTuple

from hooks.errors import FatalError

PASS = 0
BLOCKED = 1
USAGE = 2
INTERNAL = 3

REPORT_URL = 'https://github.com/commit-warden/commit-warden/issues'

# Severity names, the SARIF level each maps to, and GitHub's security-severity score.
SEVERITIES: dict[str, tuple[str, str]] = {
    'critical': ('error', '9.5'),
    'high': ('error', '8.0'),
    'medium': ('warning', '5.5'),
    'low': ('note', '3.0'),
}
BLOCKING = frozenset(('critical', 'high', 'medium'))


class Rule(NamedTuple):
    """What a rule id means; reports and SARIF rule metadata are built from it."""

    id: str
    hook: str
    name: str          # short, e.g. 'GitHub token'
    description: str   # one or two sentences: what it catches and why it matters
    help: str          # how to fix a finding of this rule
    severity: str = 'high'


class Finding(NamedTuple):
    hook: str
    rule: str
    severity: str
    path: str
    line: int | None
    message: str          # 'what is wrong' on the first line; the fix on the next lines
    commit: str | None = None
    fingerprint: str | None = None
    # What the policy (`checks:`, `rules:`) makes of it: 'block', or 'warn': reported
    # and audited without blocking. Findings of a rule that is 'off' are dropped.
    action: str = 'block'
    # Where reports that need a file at the head (SARIF, annotations, Code Quality)
    # put a finding whose own path is empty (an unsigned commit) or gone at the head
    # (a token a later commit deleted): a file a reviewer can open. Set by the
    # caller that knows the head (`commit-warden ci`, `commit-warden scan`).
    anchor: str | None = None

    @property
    def blocking(self) -> bool:
        return self.action == 'block' and self.severity in BLOCKING

    @property
    def warned(self) -> bool:
        """Reported only because the policy says `warn`; `block` would have stopped it."""
        return self.action == 'warn' and self.severity in BLOCKING

    def as_dict(self) -> dict[str, object]:
        return {
            'hook': self.hook, 'rule': self.rule, 'severity': self.severity,
            'path': self.path, 'line': self.line, 'commit': self.commit,
            'message': self.message, 'fingerprint': self.fingerprint,
            'action': self.action,
        }


def mask(secret: str) -> str:
    """A secret as it may be shown: at most its first 4 characters, and its length.

    Short secrets show less (a quarter at most), so a preview never gives away
    a meaningful part of a password.
    """
    shown = secret[:min(4, len(secret) // 4)]
    return f'{shown}…, {len(secret)} chars'


_TOKEN_LIKE = re.compile(r'[A-Za-z0-9_+/=.~-]{16,}')
_USERINFO = re.compile(r'(://[^\s/:@]*:)([^\s/@]+)(@)')


def redact(text: str) -> str:
    """Text a finding quotes from a commit (its subject), with anything that could be
    a credential masked: hooks other than check-credentials do not know what a
    secret looks like, so they must not repeat a token someone pasted there."""
    text = _USERINFO.sub(lambda m: f'{m.group(1)}[{mask(m.group(2))}]{m.group(3)}', text)

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) in (40, 64) and all(c in '0123456789abcdef' for c in word):
            return word  # a commit id ("Merge 5f95... into main"), not a credential
        has_digit = any(c.isdigit() for c in word)
        has_alpha = any(c.isalpha() for c in word)
        return f'[{mask(word)}]' if has_digit and has_alpha else word

    return _TOKEN_LIKE.sub(one, text)


def fingerprint(secret: str, salt: str) -> str:
    """A salted hash: stable for one repository, useless for guessing the secret elsewhere."""
    import hashlib
    import hmac

    mac = hmac.new(salt.encode('utf-8', 'surrogateescape'),
                   secret.encode('utf-8', 'surrogateescape'), hashlib.sha256)
    return mac.hexdigest()[:32]


def blocked(findings: list[Finding]) -> bool:
    return any(f.blocking for f in findings)


def boundary(prog: str, fn: Callable[[], int]) -> int:
    """Run a hook's body and turn every outcome into an exit code.

    Unexpected errors block (fail closed). Their message is not printed: it could
    quote the content being checked; the traceback's file and line are enough.
    """
    try:
        return fn()
    except FatalError as e:
        print(f'{prog}: error: {e}', file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f'{prog}: interrupted', file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more can be said on stdout, and
        # a verdict that was not read is not a pass.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f'{prog}: output closed before the report was written', file=sys.stderr)
        return INTERNAL
    except Exception as e:
        import traceback

        frames = traceback.extract_tb(e.__traceback__)
        print(f'{prog}: internal error ({type(e).__name__}); the commit is blocked '
              'because nothing could be checked.', file=sys.stderr)
        for frame in frames[-6:]:
            print(f'  at {frame.filename}:{frame.lineno} in {frame.name}', file=sys.stderr)
        print(f'Please report this at {REPORT_URL} with the lines above and the output '
              'of `commit-warden version`.', file=sys.stderr)
        return INTERNAL
