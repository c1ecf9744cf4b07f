"""A second corpus, from other scanners' published test fixtures, and the tools side by side.

    python bench/fixtures.py [--tools commit-warden,detect-secrets,secretlint,credsweeper]
                             [--secretlint DIR] [--credsweeper BIN] [--keep DIR]

The examples are read at run time from the fetched repositories in /work/.mirror
(nothing of them is stored in this repository):

- gitleaks: each rule's true-positive and false-positive strings
  (cmd/generate/config/rules/*.go; samples generated at run time are skipped);
- trufflehog: each detector's pattern tests (pkg/detectors/**/*_test.go): an
  input whose expected result is non-empty is a positive, one that expects
  nothing is a negative;
- secretlint: each rule's snapshot inputs (test/snapshots/{ok,ng}.*/input.*): a
  snapshot whose output has messages is a positive.

Every example becomes one file; a tool "finds" an example when it reports
anything in that file. Recall, precision and F1 are over examples, per source
and overall. Each source is written to test its own tool, so the ``own
fixtures'' rows favour that tool; CredSweeper's own samples are not used, since
their labels are CredSweeper's output. Example values are never printed.

secretlint runs through npx from --secretlint (a directory where
`npm install secretlint @secretlint/secretlint-rule-preset-recommend` was run);
CredSweeper is the `credsweeper` executable given by --credsweeper (install it
in its own venv: `python -m venv /tmp/cs && /tmp/cs/bin/pip install credsweeper`).
A tool that is missing is reported as not measured.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path('/work/.mirror')


@dataclass(frozen=True)
class Example:
    source: str  # gitleaks, trufflehog, secretlint
    name: str  # rule or detector the example belongs to
    text: str
    positive: bool
    filename: str = 'example.txt'


# --- reading a bare repository ------------------------------------------------------


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(
        ['git', f'--git-dir={repo}', *args], capture_output=True, check=True
    ).stdout


def _files(repo: Path, pattern: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    names = [
        n
        for n in _git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').decode().splitlines()
        if pattern.search(n)
    ]
    if not names:
        return
    proc = subprocess.run(
        ['git', f'--git-dir={repo}', 'cat-file', '--batch'],
        input=''.join(f'HEAD:{n}\n' for n in names).encode(),
        capture_output=True,
        check=True,
    )
    out = proc.stdout
    pos = 0
    for name in names:
        header_end = out.index(b'\n', pos)
        header = out[pos:header_end].split()
        if len(header) < 3 or header[1] != b'blob':
            pos = header_end + 1
            continue
        size = int(header[2])
        body = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
        yield name, body.decode('utf-8', 'replace')


# --- a little Go: string literals and simple expressions ---------------------------------

_GO_STRING = re.compile(r'`[^`]*`|"(?:[^"\\\n]|\\.)*"')


def _go_literal(token: str) -> str | None:
    if token.startswith('`'):
        return token[1:-1]
    try:
        value = ast.literal_eval(token)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _scan_to(text: str, start: int, stops: str) -> int:
    """The index of the first character of `stops` at bracket depth 0 from `start`
    on (a closing bracket at depth 0 always stops), skipping Go string literals."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch in '`"':
            m = _GO_STRING.match(text, i)
            i = m.end() if m else i + 1
            continue
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and ch in stops:
            return i
        i += 1
    return i


def _closing(text: str, start: int) -> int:
    """The index of the bracket that closes the one opened just before `start`."""
    return _scan_to(text, start, '')


def _balanced(text: str, start: int) -> int:
    """The index just past the expression starting at `start` (up to a top-level
    comma, closing bracket or newline that ends it)."""
    return _scan_to(text, start, ',\n')


_ASSIGN = re.compile(r'(?m)^\s*(?:const\s+|var\s+)?(?P<name>[A-Za-z_]\w*)\s*(?::=|=)\s*(?=[`"])')


def _simple_constants(text: str) -> dict[str, str]:
    constants = {}
    for m in _ASSIGN.finditer(text):
        end = _balanced(text, m.end())
        expr = text[m.end() : end].strip()
        value = _eval(expr, constants)
        if value is not None:
            constants[m.group('name')] = value
    return constants


def _eval(expr: str, constants: dict[str, str]) -> str | None:
    """A Go string expression: literals and names joined by +, or fmt.Sprintf."""
    expr = expr.strip()
    sprintf = re.match(r'fmt\.Sprintf\((.*)\)$', expr, re.S)
    if sprintf:
        args = _split_args(sprintf.group(1))
        if not args:
            return None
        fmt = _eval(args[0], constants)
        values = [_eval(a, constants) for a in args[1:]]
        if fmt is None or any(v is None for v in values):
            return None
        out = fmt
        for v in values:
            out = re.sub(r'%[sqv]', lambda _m, v=v: str(v), out, count=1)
        return out
    parts = []
    for piece in re.split(r'\s*\+\s*(?=(?:[^`"]|`[^`]*`|"(?:[^"\\]|\\.)*")*$)', expr):
        piece = piece.strip()
        if _GO_STRING.fullmatch(piece):
            literal = _go_literal(piece)
            if literal is None:
                return None
            parts.append(literal)
        elif piece in constants:
            parts.append(constants[piece])
        else:
            return None
    return ''.join(parts)


def _split_args(text: str) -> list[str]:
    args, i = [], 0
    while i < len(text):
        end = _balanced(text, i)
        args.append(text[i:end].strip())
        i = end + 1
    return [a for a in args if a]


# --- the sources --------------------------------------------------------------------------


def _items(text: str, lists: dict[str, list[str]]) -> list[str]:
    """The strings a Go list or append(...) argument list holds at its top level:
    literals, `name...` of a known list, `[]string{...}...`; calls are skipped
    (gitleaks generates those samples at run time)."""
    values = []
    for arg in _split_args(text):
        if arg.endswith('...'):
            inner = arg[:-3].strip()
            if inner.startswith('[]string{'):
                values += _items(inner[len('[]string{') : -1], lists)
            else:
                values += lists.get(inner, [])
            continue
        value = _eval(arg, {})
        if value is not None:
            values.append(value)
    return values


def gitleaks_examples(repo: Path) -> Iterator[Example]:
    for name, text in _files(repo, re.compile(r'^cmd/generate/config/rules/[^/]+\.go$')):
        rule = Path(name).stem
        lists: dict[str, list[str]] = {}
        for m in re.finditer(r'(?m)^\s*(?:var\s+)?(\w+)\s*(?::=|=)\s*\[\]string\{', text):
            end = _closing(text, m.end())
            lists[m.group(1)] = _items(text[m.end() : end], lists)
        for label, positive in (('tps', True), ('fps', False)):
            values = list(lists.get(label, []))
            for m in re.finditer(rf'\b{label}\s*:?=\s*append\(', text):
                end = _closing(text, m.end())
                args = _split_args(text[m.end() : end])
                if args and args[0] != label:
                    values += lists.get(args[0], [])  # fps := append(other, ...)
                values += _items(', '.join(args[1:]), lists)
            for value in values:
                if value.strip():
                    yield Example('gitleaks', rule, value, positive)


def trufflehog_examples(repo: Path) -> Iterator[Example]:
    pattern = re.compile(r'^pkg/detectors/.+_test\.go$')
    for name, text in _files(repo, pattern):
        if name.endswith('_integration_test.go') or '_Pattern' not in text:
            continue
        detector = name.split('/')[2]
        constants = _simple_constants(text)
        for m in re.finditer(r'\binput:\s*', text):
            end = _balanced(text, m.end())
            value = _eval(text[m.end() : end], constants)
            want = re.compile(r'\bwant:\s*').search(text, end)
            if value is None or want is None or not value.strip():
                continue
            want_end = _balanced(text, want.end())
            expected = text[want.end() : want_end].strip()
            if expected == 'nil' or re.fullmatch(r'\[\]string\{\s*\}', expected):
                yield Example('trufflehog', detector, value, False)
            elif expected.startswith('[]string{'):
                yield Example('trufflehog', detector, value, True)


def secretlint_examples(repo: Path) -> Iterator[Example]:
    inputs: dict[str, tuple[str, str]] = {}
    outputs: dict[str, str] = {}
    pattern = re.compile(
        r'^packages/@secretlint/secretlint-rule-[^/]+/test/snapshots/[^/]+/'
        r'(?:input\.[^/]+|output\.json)$'
    )
    for name, text in _files(repo, pattern):
        case = name.rsplit('/', 1)[0]
        if name.endswith('/output.json'):
            outputs[case] = text
        else:
            inputs[case] = (name.rsplit('/', 1)[1], text)
    for case, (filename, text) in inputs.items():
        if case not in outputs or 'internal-test' in case or 'secretlint-rule-pattern' in case:
            continue
        try:
            messages = json.loads(outputs[case]).get('messages', [])
        except ValueError:
            continue
        rule = case.split('secretlint-rule-')[1].split('/')[0]
        ext = filename.split('.', 1)[1] if '.' in filename else 'txt'
        yield Example('secretlint', rule, text, bool(messages), f'example.{ext}')


def load_examples() -> list[Example]:
    sources = (
        ('gitleaks+gitleaks', gitleaks_examples),
        ('trufflesecurity+trufflehog', trufflehog_examples),
        ('secretlint+secretlint', secretlint_examples),
    )
    seen: set[tuple[str, str]] = set()
    examples = []
    for repo, reader in sources:
        path = MIRROR / repo / 'repo'
        if not path.is_dir():
            print(f'{repo}: not fetched, skipped', file=sys.stderr)
            continue
        for example in reader(path):
            key = (example.source, example.text)
            if key in seen:
                continue
            seen.add(key)
            examples.append(example)
    return examples


# --- the tools ------------------------------------------------------------------------


def write_examples(examples: Sequence[Example], base: Path) -> list[str]:
    rels = []
    for i, example in enumerate(examples):
        rel = f'{example.source}/{i:05d}/{example.filename}'
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            example.text + ('' if example.text.endswith('\n') else '\n'), encoding='utf-8'
        )
        rels.append(rel)
    return rels


def run_commit_warden(base: Path, rels: Sequence[str]) -> set[str]:
    sys.path.insert(0, str(ROOT))
    from hooks.scan import Scanner

    scanner = Scanner()
    return {
        rel
        for rel in rels
        if scanner.scan_text(rel.split('/', 2)[2], (base / rel).read_text(encoding='utf-8'))
    }


def run_detect_secrets(base: Path, rels: Sequence[str]) -> set[str] | None:
    exe = Path(sys.executable).parent / 'detect-secrets'
    if not exe.exists():
        return None
    out = subprocess.run(
        [str(exe), 'scan', '--all-files', '.'],
        cwd=base,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        return None
    return set(json.loads(out.stdout)['results'])


def run_secretlint(base: Path, rels: Sequence[str], where: Path | None) -> set[str] | None:
    if where is None or not (where / 'node_modules' / '.bin' / 'secretlint').exists():
        return None
    config = base / '.secretlintrc.json'
    preset = '@secretlint/secretlint-rule-preset-recommend'
    config.write_text(json.dumps({'rules': [{'id': preset}]}))
    # --output: node cuts a large report written to a pipe short at exit.
    report = base.parent / 'secretlint.json'
    out = subprocess.run(
        [
            str(where / 'node_modules' / '.bin' / 'secretlint'),
            '--format',
            'json',
            '--secretlintrc',
            str(config),
            '--no-color',
            '--output',
            str(report),
            '**/*',
        ],
        cwd=base,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, 'NODE_PATH': str(where / 'node_modules')},
    )
    config.unlink()
    try:
        results = json.loads(report.read_text())
    except (OSError, ValueError):
        print(f'secretlint: {out.stderr.strip()[:300]}', file=sys.stderr)
        return None
    found = set()
    for entry in results:
        if entry.get('messages'):
            found.add(os.path.relpath(entry['filePath'], base).replace(os.sep, '/'))
    return found


def run_credsweeper(base: Path, rels: Sequence[str], exe: str | None) -> set[str] | None:
    if not exe or not shutil.which(exe):
        return None
    report = base.parent / 'credsweeper.json'
    subprocess.run(
        [exe, '--path', str(base), '--save-json', str(report), '--log', 'error'],
        capture_output=True,
        check=False,
    )
    if not report.exists():
        return None
    found = set()
    for item in json.loads(report.read_text()):
        for line in item.get('line_data_list', []):
            found.add(os.path.relpath(line['path'], base).replace(os.sep, '/'))
    return found


def scores(
    examples: Sequence[Example], rels: Sequence[str], found: set[str], source: str | None = None
) -> tuple[int, int, int, float, float, float]:
    tp = fp = fn = 0
    for example, rel in zip(examples, rels, strict=True):
        if source is not None and example.source != source:
            continue
        hit = rel in found
        if example.positive:
            tp += hit
            fn += not hit
        else:
            fp += hit
    recall = tp / (tp + fn) if tp + fn else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    return tp, fp, fn, recall, precision, f1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--tools', default='commit-warden,detect-secrets,secretlint,credsweeper')
    parser.add_argument(
        '--secretlint', type=Path, default=None, help='directory with node_modules/.bin/secretlint'
    )
    parser.add_argument('--credsweeper', default=None, help='the credsweeper executable')
    parser.add_argument('--keep', type=Path, default=None, help='write the examples here')
    args = parser.parse_args(argv)

    examples = load_examples()
    if not examples:
        print('no fixtures found under /work/.mirror', file=sys.stderr)
        return 2
    by_source: dict[str, list[int]] = {}
    for e in examples:
        counts = by_source.setdefault(e.source, [0, 0])
        counts[0 if e.positive else 1] += 1
    print(
        'examples: '
        + '; '.join(f'{s} {p} positive, {n} negative' for s, (p, n) in by_source.items())
    )
    base_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix='fixtures-'))
    base = base_dir / 'corpus'
    if base.exists():
        shutil.rmtree(base)
    rels = write_examples(examples, base)
    results: dict[str, tuple[set[str] | None, float]] = {}
    for tool in args.tools.split(','):
        started = time.perf_counter()
        if tool == 'commit-warden':
            found: set[str] | None = run_commit_warden(base, rels)
        elif tool == 'detect-secrets':
            found = run_detect_secrets(base, rels)
        elif tool == 'secretlint':
            found = run_secretlint(base, rels, args.secretlint)
        elif tool == 'credsweeper':
            found = run_credsweeper(base, rels, args.credsweeper)
        else:
            parser.error(f'unknown tool {tool}')
        results[tool] = (found, time.perf_counter() - started)

    print('\n| tool | recall | precision | F1 | found | false positives | missed | time |')
    print('|---|---|---|---|---|---|---|---|')
    for tool, (found, elapsed) in results.items():
        if found is None:
            print(f'| {tool} | not measured (not installed here) | | | | | | |')
            continue
        tp, fp, fn, r, p, f1 = scores(examples, rels, found)
        print(f'| {tool} | {r:.3f} | {p:.3f} | {f1:.3f} | {tp} | {fp} | {fn} | {elapsed:.1f} s |')
    print('\nper source (recall / precision / F1):\n')
    tools = [t for t, (f, _) in results.items() if f is not None]
    print('| source | ' + ' | '.join(tools) + ' |')
    print('|---|' + '---|' * len(tools))
    for source in by_source:
        cells = []
        for tool in tools:
            found = results[tool][0]
            assert found is not None
            _, _, _, r, p, f1 = scores(examples, rels, found, source)
            cells.append(f'{r:.2f} / {p:.2f} / {f1:.2f}')
        print(f'| {source} | ' + ' | '.join(cells) + ' |')
    if not args.keep:
        shutil.rmtree(base_dir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
