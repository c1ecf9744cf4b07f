"""gitignore-style path globs, as users write them in the policy."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    anchored = '/' in pattern.rstrip('/')
    directory = pattern.endswith('/')
    pat = pattern.strip('/')
    out = []
    i = 0
    while i < len(pat):
        if pat.startswith('**/', i):
            out.append('(?:.*/)?')
            i += 3
        elif pat.startswith('**', i):
            out.append('.*')
            i += 2
        elif pat[i] == '*':
            out.append('[^/]*')
            i += 1
        elif pat[i] == '?':
            out.append('[^/]')
            i += 1
        elif pat[i] == '[':
            end = pat.find(']', i + 1)
            if end == -1:
                out.append(re.escape(pat[i]))
                i += 1
            else:
                body = pat[i + 1:end].replace('\\', '\\\\')
                if body.startswith('!'):
                    body = '^' + body[1:]
                out.append(f'[{body}]')
                i = end + 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    body = ''.join(out)
    # A pattern without a slash matches at any depth, like .gitignore; a match on a
    # directory covers everything below it.
    prefix = '' if anchored else '(?:.*/)?'
    suffix = '/.*' if directory else '(?:/.*)?'
    return re.compile(f'{prefix}{body}{suffix}', re.S)


def check_glob(pattern: str) -> str | None:
    """None if the glob is usable; otherwise what is wrong with it."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            _compile(pattern)
    except (re.error, FutureWarning) as e:
        return f'glob does not compile: {e}'
    return None


def matches(path: str, patterns: Iterable[str]) -> bool:
    return any(_compile(p).fullmatch(path) for p in patterns)
