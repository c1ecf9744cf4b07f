"""Findings, secret masking, fingerprints, and the one exit-code boundary."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple

from hooks.errors import FatalError

if TYPE_CHECKING:
    from typing import TextIO

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
    name: str  # short, e.g. 'GitHub token'
    description: str  # one or two sentences: what it catches and why it matters
    help: str  # how to fix a finding of this rule
    severity: str = 'high'


class Finding(NamedTuple):
    hook: str
    rule: str
    severity: str
    path: str
    line: int | None
    message: str  # 'what is wrong' on the first line; the fix on the next lines
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
            'hook': self.hook,
            'rule': self.rule,
            'severity': self.severity,
            'path': self.path,
            'line': self.line,
            'commit': self.commit,
            'message': self.message,
            'fingerprint': self.fingerprint,
            'action': self.action,
        }


# Characters a preview may show: whatever it lands in (a JSON string, a workflow
# command's property, an XML attribute) needs no escaping for them.
_PREVIEW_SAFE = frozenset('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')


def mask(secret: str) -> str:
    """A secret as it may be shown: at most its first 4 characters, and its length.

    Short secrets show less (a quarter at most), so a preview never gives away
    a meaningful part of a password; the preview stops at the first character
    that is not a letter, digit, `_` or `-`.
    """
    shown = ''
    for c in secret[: min(4, len(secret) // 4)]:
        if c not in _PREVIEW_SAFE:
            break
        shown += c
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

    mac = hmac.new(
        salt.encode('utf-8', 'surrogateescape'),
        secret.encode('utf-8', 'surrogateescape'),
        hashlib.sha256,
    )
    return mac.hexdigest()[:32]


def blocked(findings: list[Finding]) -> bool:
    return any(f.blocking for f in findings)


# --- the one redaction of every output --------------------------------------------
#
# Every text that leaves the process passes the credential engine's masking: commit
# subjects, tickets, record paths, config errors, echoed CI variables, reports, audit
# lines. The engine (hooks.scan and its detectors) loads only when some text could
# hold a secret at all, so check-signatures and check-hotfixes start without it, and
# detect_secrets itself loads only when a line passes the engine's keyword prefilter.

# No credential the engine knows is shorter than this, nor holds a blank.
_WORD = re.compile(r'\S{8,}')
OUTPUT_PATH = '<output>'  # scanned as a commit message is: unquoted values count
WITHHELD = '[line withheld: it may hold a credential]'


def _scanner() -> Any:
    global _SCANNER
    if _SCANNER is None:
        from hooks.scan import Scanner

        _SCANNER = Scanner()
    return _SCANNER


_SCANNER: Any = None


def redact_output(text: str) -> str:
    """`text` with every credential the engine finds in it masked, as check-credentials
    masks what it reports (`[ghp_…, 40 chars]`). A line whose secret cannot be cut out
    of it is withheld whole."""
    if not _WORD.search(text):
        return text
    detections = _scanner().scan_text(OUTPUT_PATH, text)
    if not detections:
        return text
    secrets: set[str] = set()
    withheld: set[int] = set()
    for d in detections:
        if d.secret and d.secret in text:
            secrets.add(d.secret)
        else:
            withheld.add(d.line)
    if withheld:
        lines = text.split('\n')
        text = '\n'.join(WITHHELD if i in withheld else line for i, line in enumerate(lines, 1))
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, f'[{mask(secret)}]')
    return text


def redact_quoted(text: str) -> str:
    """Free text quoted from a commit or a policy (a subject, a ticket, a value): the
    engine's masking, and any long mixed word masked too, since a bare token with no
    name beside it is no credential to the engine but may still be one."""
    return redact(redact_output(text))


# A line of a CI log that starts with `::` (after blanks) is a GitHub workflow
# command; `##[` anywhere is one in the older syntax. GitHub's runner splits lines
# on \r as well as \n; str.splitlines also on these.
_LINE_BREAKS = re.compile('[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]')


def inert(line: str) -> str:
    """One line of text as it may reach a CI log: a file name or a commit subject must
    form no runner command (it could add annotations, mask output, or stop our own
    annotations with `::stop-commands::`)."""
    line = _LINE_BREAKS.sub(lambda m: ascii(m.group(0))[1:-1], line).replace('##[', '##\\[')
    stripped = line.lstrip()
    if stripped.startswith('::'):
        line = line[: len(line) - len(stripped)] + '\\' + stripped
    return line


_SPLIT_LINES = re.compile(r'([^\r\n]*)(\r\n|\r|\n|$)')
# What a stream that cannot encode them shows instead (a C locale, a CI runner
# with PYTHONIOENCODING=ascii).
_PLAIN = str.maketrans(
    {
        '\u2026': '...',
        '\u2014': '-',
        '\u2013': '-',
        '\u2192': '->',
        '\u2018': "'",
        '\u2019': "'",
        '\u201c': '"',
        '\u201d': '"',
    }
)


def encodable(text: str, encoding: str | None) -> str:
    """`text` as a stream of this encoding can take it: typographic characters made
    plain, anything else (a non-UTF-8 file name's bytes) backslash-escaped."""
    encoding = encoding or 'utf-8'
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:
        encoding = 'ascii'
    return text.translate(_PLAIN).encode(encoding, 'backslashreplace').decode(encoding)


class SafeOutput:
    """Standard output or error while a hook or command runs: each line redacted
    (`redact_output`), made inert for CI logs (`inert`) and encodable by the stream,
    whatever code printed it. `write_raw` is for our own workflow commands."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._pending = ''

    def write(self, text: str) -> int:
        self._pending += text
        cut = max(self._pending.rfind('\n'), self._pending.rfind('\r'))
        if cut >= 0:
            chunk, self._pending = self._pending[: cut + 1], self._pending[cut + 1 :]
            self._emit(self._safe(chunk))
        return len(text)

    def write_raw(self, text: str) -> None:
        """Lines that are meant as CI runner commands (GitHub annotations, each built
        with its data escaped): redacted, not made inert."""
        self.close_pending()
        self._emit(redact_output(text))

    def close_pending(self) -> None:
        if self._pending:
            chunk, self._pending = self._pending, ''
            self._emit(self._safe(chunk))

    @staticmethod
    def _safe(chunk: str) -> str:
        chunk = redact_output(chunk)
        return ''.join(
            inert(body) + end for body, end in _SPLIT_LINES.findall(chunk) if body or end
        )

    def _emit(self, text: str) -> None:
        self.stream.write(encodable(text, getattr(self.stream, 'encoding', None)))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.stream, 'isatty', lambda: False)())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def write_raw(stream: TextIO, text: str) -> None:
    """Write our own CI runner commands: past `SafeOutput`'s inert-making, if any."""
    raw = getattr(stream, 'write_raw', None)
    if raw is not None:
        raw(text)
    else:
        stream.write(text)


def boundary(prog: str, fn: Callable[[], int]) -> int:
    """Run a hook's or command's body and turn every outcome into an exit code, with
    everything it prints passed through `SafeOutput`.

    Unexpected errors block (fail closed). Their message is not printed: it could
    quote the content being checked; the traceback's file and line are enough.
    """
    out, err = sys.stdout, sys.stderr
    guard = out is not None and err is not None and not isinstance(out, SafeOutput)
    if guard:
        sys.stdout, sys.stderr = SafeOutput(out), SafeOutput(err)
    try:
        return _judged(prog, fn)
    finally:
        if guard:
            for stream in (sys.stdout, sys.stderr):
                if isinstance(stream, SafeOutput):
                    try:
                        stream.close_pending()
                        stream.flush()
                    except (OSError, ValueError):
                        pass  # a closed pipe (`| head`): nothing more can be said
            sys.stdout, sys.stderr = out, err


def _judged(prog: str, fn: Callable[[], int]) -> int:
    budget = sys.modules.get('hooks.userregex')
    if budget is not None:  # a run in the same process as an earlier one (tests, demo)
        budget.reset_budget()
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
        print(
            f'{prog}: internal error ({type(e).__name__}); the commit is blocked '
            'because nothing could be checked.',
            file=sys.stderr,
        )
        for frame in frames[-6:]:
            print(f'  at {frame.filename}:{frame.lineno} in {frame.name}', file=sys.stderr)
        print(
            f'Please report this at {REPORT_URL} with the lines above and the output '
            'of `commit-warden version`.',
            file=sys.stderr,
        )
        return INTERNAL
