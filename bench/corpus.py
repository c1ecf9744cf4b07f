"""Recall and precision of hooks.scan on the labelled corpus in tests/corpus.

    python bench/corpus.py [-v]

Prints the totals, then recall and precision per provider (of the rule each
label names); -v lists each miss and false positive (path, line, rule; never
the secret).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / 'tests' / 'corpus'


def load_labels() -> dict[str, set[tuple[int, str]]]:
    with open(CORPUS / 'labels.yaml', encoding='utf-8') as f:
        data = yaml.safe_load(f)
    return {
        path: {(int(line), str(rule)) for line, rule in pairs}
        for path, pairs in data['positive'].items()
    }


def corpus_files() -> list[str]:
    files = []
    for directory, _, names in os.walk(CORPUS):
        for name in names:
            rel = os.path.relpath(os.path.join(directory, name), CORPUS).replace(os.sep, '/')
            if rel.startswith(('positive/', 'negative/')):
                files.append(rel)
    return sorted(files)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-v', '--verbose', action='store_true')
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from hooks.detectors.listing import catalogue
    from hooks.scan import Scanner

    provider_of = {e.id: e.provider for e in catalogue()}
    per_provider: dict[str, list[int]] = {}  # provider -> [tp, fp, fn]
    labels = load_labels()
    scanner = Scanner()
    true_pos = false_pos = false_neg = 0
    negative_files = 0
    problems: list[str] = []
    started = time.perf_counter()
    for rel in corpus_files():
        text = (CORPUS / rel).read_text(encoding='utf-8')
        # The scanner sees the path as it would sit in a repository.
        found = {(d.line, d.rule) for d in scanner.scan_text(rel.split('/', 1)[1], text)}
        expected = labels.get(rel, set())
        if rel.startswith('negative/'):
            negative_files += 1
        true_pos += len(found & expected)
        false_pos += len(found - expected)
        false_neg += len(expected - found)
        for column, pairs in ((0, found & expected), (1, found - expected), (2, expected - found)):
            for _, rule in pairs:
                per_provider.setdefault(provider_of.get(rule, rule), [0, 0, 0])[column] += 1
        problems += [f'false positive {rel}:{n} {rule}' for n, rule in sorted(found - expected)]
        problems += [f'missed         {rel}:{n} {rule}' for n, rule in sorted(expected - found)]
    elapsed = time.perf_counter() - started

    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    print(f'files: {len(labels)} positive, {negative_files} negative; scanned in {elapsed:.2f}s')
    print(
        f'labelled secrets: {true_pos + false_neg}; found: {true_pos}; missed: {false_neg}; '
        f'false positives: {false_pos}'
    )
    print(f'recall:    {recall:.3f}')
    print(f'precision: {precision:.3f}')
    if per_provider:
        print('\n| provider | labelled | found | false positives | recall | precision |')
        print('|---|---|---|---|---|---|')
        for provider in sorted(per_provider, key=str.lower):
            tp, fp, fn = per_provider[provider]
            r = tp / (tp + fn) if tp + fn else 1.0
            p = tp / (tp + fp) if tp + fp else 1.0
            print(f'| {provider} | {tp + fn} | {tp} | {fp} | {r:.3f} | {p:.3f} |')
    if args.verbose:
        for problem in problems:
            print(problem)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
