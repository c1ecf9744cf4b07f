"""The credential scanning engine: lines in, detections out.

One cheap prefilter pass (the keyword tables of ``hooks.detectors.keywords``,
as one trie-shaped regex over the lowercased text) picks the lines that can
hold a secret at all; only those reach the detect-secrets plugins of
``hooks.detectors``, and detect_secrets is imported only when some line does.

This module never prints, logs or raises with a secret's value in it.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import NamedTuple
from typing import Protocol

from hooks.userregex import PatternTimeout
from hooks.userregex import UserRegex

if TYPE_CHECKING:
    from types import ModuleType

    from hooks.detectors.base import Hit
    from hooks.detectors.base import WardenPlugin
    from hooks.detectors.public import PublicValue
    from hooks.detectors.public import PublicValues
    from hooks.filelines import FileLines

# Lines longer than this (minified bundles, data URIs) are scanned in
# overlapping windows, so the work per line is bounded and no regex ever sees
# more than a window.  The overlap is longer than any token format we match
# (the longest, a GitLab agent token, is 1,032 characters).
WINDOW = 8192
OVERLAP = 1100
_WINDOW_EDGE = 64
# How many following lines a detector may look at (a PEM header's body).
FOLLOWING = 3


def _keywords() -> ModuleType:
    # Imported on first scan, not with this module: a warm range re-run answers
    # from the cache and never needs the keyword tables.
    from hooks.detectors import keywords

    return keywords


class Line(NamedTuple):
    number: int  # 1-based line number in the file
    text: str  # without the trailing newline
    added: bool  # True: a line the change adds (report findings on it); False: context only


class LineLike(Protocol):
    """What the scanner reads of a line: a Line, or git's DiffLine as it comes
    (building a Line per line of a big file costs more than scanning it)."""

    @property
    def number(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def added(self) -> bool: ...


class Detection(NamedTuple):
    line: int
    rule: str  # stable kebab-case id, or 'extra:<name>' for user patterns
    provider: str
    kind: str
    secret: str  # the raw value: callers mask and hash it; never in repr()
    secret_type: str  # detect-secrets' type, for baseline compatibility
    rotate: str = ''  # where to revoke and reissue it (a URL or a console place)

    def __repr__(self) -> str:
        return (
            f'Detection(line={self.line!r}, rule={self.rule!r}, '
            f'provider={self.provider!r}, kind={self.kind!r}, '
            f'secret_type={self.secret_type!r}, rotate={self.rotate!r})'
        )


class ScanOptions(NamedTuple):
    # Entropy a generic keyword value needs; values shorter than ~50
    # characters need a proportional share instead (see
    # hooks.detectors.values.entropy_threshold).
    entropy_base64_limit: float = 4.5
    entropy_hex_limit: float = 3.0
    # The policy's own regexes, run with a time bound (hooks.userregex).
    allowed_patterns: tuple[UserRegex, ...] = ()
    extra_patterns: tuple[tuple[str, UserRegex], ...] = ()
    # The policy's own known public values, beside hooks/detectors/public_values.json.
    public_values: tuple[PublicValue, ...] = ()


class PublicMatch(NamedTuple):
    """A finding that passed because its value is public (a verbose run lists it)."""

    path: str
    line: int
    rule: str
    provider: str
    kind: str
    entry: PublicValue


def windows(text: str) -> Iterator[tuple[int, str]]:
    if len(text) <= WINDOW:
        yield 0, text
        return
    step = WINDOW - OVERLAP
    for offset in range(0, len(text) - OVERLAP, step):
        yield offset, text[offset : offset + WINDOW]


def _lower(text: str) -> str:
    lowered = text.lower()
    # A few characters (e.g. 'İ') lower to two; positions must stay aligned.
    return lowered if len(lowered) == len(text) else ''.join(c.lower()[0] for c in text)


_DEFAULT_OPTIONS = ScanOptions()


class Scanner:
    def __init__(self, options: ScanOptions = _DEFAULT_OPTIONS) -> None:
        self.options = options
        self._modules: dict[str, tuple[WardenPlugin, ...]] = {}
        self._by_group: dict[str, list[WardenPlugin]] = {}
        self._public: PublicValues | None = None
        # Findings that matched a known public value, in scan order.
        self.public_matches: list[PublicMatch] = []

    def _public_values(self) -> PublicValues:
        if self._public is None:
            from hooks.detectors.public import PublicValues

            self._public = PublicValues(self.options.public_values)
        return self._public

    def plugins(self, groups: Iterable[str] | None = None) -> tuple[WardenPlugin, ...]:
        """The configured plugins of these keyword groups (default: all of them).

        Modules load on first need, not in __init__: a scan that never needs a
        detector never imports detect_secrets, and one that needs only a few
        compiles only their regexes.
        """
        from hooks.detectors import MODULES
        from hooks.detectors import group_modules
        from hooks.detectors import module_plugin_classes

        modules_of = group_modules()
        wanted = set(MODULES) if groups is None else {modules_of[g] for g in groups}
        for name in MODULES:
            if name not in wanted or name in self._modules:
                continue
            if name == 'catalogue' and groups is not None:
                continue  # one provider at a time, below
            self._modules[name] = tuple(self._configure(cls) for cls in module_plugin_classes(name))
            for plugin in self._modules[name]:
                for group in plugin.keyword_groups():
                    self._by_group.setdefault(group, []).append(plugin)
        if groups is None:
            return tuple(p for name in MODULES if name in wanted for p in self._modules[name])
        if 'catalogue' in wanted and 'catalogue' not in self._modules:
            from hooks.detectors.catalogue import provider_class

            for group in groups:
                if modules_of[group] == 'catalogue' and group not in self._by_group:
                    self._by_group[group] = [self._configure(provider_class(group))]
        # In report order (MODULES, then each module's own), only those a group needs.
        needed: dict[int, WardenPlugin] = {
            id(p): p for g in groups for p in self._by_group.get(g, ())
        }
        order = {
            id(p): i
            for i, p in enumerate(
                p for name in MODULES if name in self._modules for p in self._modules[name]
            )
        }
        return tuple(sorted(needed.values(), key=lambda p: order.get(id(p), len(order))))

    def _configure(self, cls: type[WardenPlugin]) -> WardenPlugin:
        return cls.configure(
            base64_limit=self.options.entropy_base64_limit,
            hex_limit=self.options.entropy_hex_limit,
        )

    def scan_text(self, path: str, text: str) -> list[Detection]:
        # hooks.filelines loads with the first scan, not with this module: a warm
        # range re-run answers from the cache and never scans.
        from hooks.filelines import FileLines

        texts = text.split('\n')
        if texts and texts[-1] == '':
            texts.pop()
        if '\r' in text:
            texts = [t[:-1] if t.endswith('\r') else t for t in texts]
        count = len(texts)
        return self._scan(path, FileLines(range(1, count + 1), texts, [True] * count))

    def scan(self, path: str, lines: Sequence[LineLike]) -> list[Detection]:
        from hooks.filelines import FileLines

        return self._scan(
            path,
            FileLines(
                [line.number for line in lines],
                [line.text for line in lines],
                [line.added for line in lines],
            ),
        )

    def _scan(self, path: str, file: FileLines) -> list[Detection]:
        # Binary files are skipped by their content, before they get here; a text
        # file named like a binary one (token.png) is still text.
        from hooks.detectors.filekinds import file_kind
        from hooks.filelines import is_allowlisted
        from hooks.filelines import prepare

        kind = file_kind(path)
        file = prepare(file, kind)
        detections: list[Detection] = []
        candidates, structural = self._candidates(file)
        for index in candidates:
            if is_allowlisted(file, index):
                continue
            detections.extend(self._scan_line(path, kind, file, index, structural.get(index)))
        if self.options.extra_patterns:
            from hooks.extrapatterns import scan_extra

            detections.extend(scan_extra(path, file, self.options.extra_patterns, self._allowed))
        detections.sort(key=lambda d: d.line)
        return detections

    @staticmethod
    def _candidates(file: FileLines) -> tuple[list[int], dict[int, set[str]]]:
        """Indexes of the added lines the prefilter lets through, in order, and
        the structural groups found on each (searched once, over the whole text)."""
        texts = file.texts
        short = [i for i, text in enumerate(texts) if file.added[i] and len(text) <= WINDOW]
        chosen: set[int] = set()
        structural: dict[int, set[str]] = {}
        if short:
            joined = '\n'.join([texts[i] for i in short])
            starts = list(itertools.accumulate((len(texts[i]) + 1 for i in short), initial=0))
            keywords = _keywords()
            searches = [('', keywords.prefilter_regex(), _lower(joined))]
            searches += [(group, regex, joined) for group, regex in keywords.structural_regexes()]
            for group, regex, haystack in searches:
                pos = 0
                while (match := regex.search(haystack, pos)) is not None:
                    k = bisect.bisect_right(starts, match.start()) - 1
                    chosen.add(short[k])
                    if group:
                        structural.setdefault(short[k], set()).add(group)
                    pos = starts[k + 1]
        chosen.update(file.forced)
        for i, text in enumerate(texts):
            # Long lines are judged window by window in _scan_line.
            long_line = file.added[i] and len(text) > WINDOW
            # A change that adds a private key's body under an existing header adds
            # the key: judge the header line it sits under, though it is context.
            key_header = (
                not file.added[i]
                and 'PRIVATE KEY' in text
                and i + 1 < len(texts)
                and file.added[i + 1]
                and file.numbers[i + 1] == file.numbers[i] + 1
            )
            if long_line or key_header:
                chosen.add(i)
        return sorted(chosen), structural

    def _scan_line(
        self, path: str, kind: str, file: FileLines, index: int, structural: set[str] | None = None
    ) -> list[Detection]:
        text, number = file.texts[index], file.numbers[index]
        # The next few non-blank lines (a PEM header's body may follow blank lines),
        # looking no further than the lines we have without a gap.
        following_lines: list[str] = []
        for j in range(index + 1, min(index + 1 + 4 * FOLLOWING, len(file.texts))):
            if file.numbers[j] - number != j - index or len(following_lines) == FOLLOWING:
                break
            if file.texts[j].strip():
                following_lines.append(file.texts[j][:WINDOW])
        following = tuple(following_lines)
        preceding_lines: list[str] = []
        for j in range(index - 1, max(index - 1 - FOLLOWING, -1), -1):
            if number - file.numbers[j] != index - j:
                break
            preceding_lines.insert(0, file.texts[j][:WINDOW])
        preceding = tuple(preceding_lines)
        hits: list[tuple[int, Hit, str]] = []
        for offset, chunk in windows(text):
            lowered = _lower(chunk)
            keywords = _keywords()
            # Structural formats were searched over the whole text already; a long
            # line (windows) is searched again, window by window.
            found = keywords.groups_in(chunk, lowered, structural=len(text) > WINDOW)
            found |= structural or set()
            groups = keywords.gated(found, chunk, lowered, kind)
            groups |= file.forced.get(index, frozenset())
            if not groups:
                continue
            from hooks.detectors.values import Context

            context = Context(
                path=path,
                kind=kind,
                line=chunk,
                following=following,
                preceding=preceding,
                groups=frozenset(groups),
            )
            for plugin in self.plugins(groups):
                for hit in plugin.find(chunk, context):
                    if offset and hit.start < _WINDOW_EDGE:
                        # A window's first characters lie in the previous
                        # window too, where the regexes saw what precedes
                        # them (a cut mid-word fakes a word boundary).
                        continue
                    hits.append((offset + hit.start, hit, chunk))
        detections = []
        # A value's own line and its neighbours say what it is ("apiKey" in a
        # firebaseConfig = {...} block).
        around = '\n'.join((*preceding, text[:WINDOW], *following))
        for hit in self._resolve(hits):
            public = self._public_values().lookup(
                secret=hit.secret, rule=hit.rule_id, path=path, line=around
            )
            if public is not None:
                self.public_matches.append(
                    PublicMatch(path, number, hit.rule_id, hit.provider, hit.kind, public)
                )
                continue
            detections.append(
                Detection(
                    line=number,
                    rule=hit.rule_id,
                    provider=hit.provider,
                    kind=hit.kind,
                    secret=hit.secret,
                    secret_type=hit.secret_type,
                    rotate=hit.rotate,
                )
            )
        return detections

    def _resolve(self, hits: list[tuple[int, Hit, str]]) -> list[Hit]:
        """Drop allowed hits and hits a more specific rule already reported."""
        kept: list[tuple[int, int, Hit]] = []
        for start, hit, chunk in sorted(hits, key=lambda h: (-h[1].priority, h[0])):
            if self._allowed(chunk, hit.secret):
                continue
            end = start + len(hit.secret)
            duplicate = any(
                (start < k_end and k_start < end)
                or hit.secret in other.secret
                or other.secret in hit.secret
                for k_start, k_end, other in kept
            )
            if not duplicate:
                kept.append((start, end, hit))
        return [hit for _, _, hit in sorted(kept, key=lambda k: k[0])]

    def _allowed(self, text: str, secret: str) -> bool:
        try:
            return any(p.search(text) or p.search(secret) for p in self.options.allowed_patterns)
        except PatternTimeout:
            return False  # cannot tell: the finding stands (fail closed)
