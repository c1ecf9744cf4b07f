"""The labelled corpus: every planted secret found, no hard negative reported.

tests/corpus/positive/** hold random fake secrets in their documented
formats; tests/corpus/labels.yaml lists, for each, the exact (line, rule)
pairs expected.  tests/corpus/negative/** hold placeholders, references,
hashes, public keys and the like, and must produce nothing.  Failures name
path, line and rule, never a secret.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from hooks.scan import Scanner
from tests.conftest import slow_after

CORPUS = Path(__file__).resolve().parent / 'corpus'


def _labels() -> dict[str, set[tuple[int, str]]]:
    with open(CORPUS / 'labels.yaml', encoding='utf-8') as f:
        data = yaml.safe_load(f)
    return {
        path: {(int(line), str(rule)) for line, rule in pairs}
        for path, pairs in data['positive'].items()
    }


LABELS = _labels()


def _files(kind: str) -> list[str]:
    found = []
    for directory, _, names in os.walk(CORPUS / kind):
        for name in names:
            found.append(Path(directory, name).relative_to(CORPUS).as_posix())
    return sorted(found)


def _scan(rel: str, scanner: Scanner | None = None) -> set[tuple[int, str]]:
    text = (CORPUS / rel).read_text(encoding='utf-8')
    # As the file would sit in a repository: without positive/ or negative/.
    path = rel.split('/', 1)[1]
    return {(d.line, d.rule) for d in (scanner or Scanner()).scan_text(path, text)}


@pytest.mark.parametrize('rel', _files('positive'))
def test_positive_file_yields_exactly_its_labels(rel: str) -> None:
    assert rel in LABELS, f'{rel} has no entry in labels.yaml'
    found = _scan(rel)
    assert sorted(LABELS[rel] - found) == [], 'missed'
    assert sorted(found - LABELS[rel]) == [], 'false positives'


@pytest.mark.parametrize('rel', _files('negative'))
def test_negative_file_yields_nothing(rel: str) -> None:
    assert sorted(_scan(rel)) == []


def test_labels_name_only_existing_files() -> None:
    assert sorted(set(LABELS) - set(_files('positive'))) == []


def test_corpus_has_enough_hard_negatives() -> None:
    lines = 0
    for rel in _files('negative'):
        text = (CORPUS / rel).read_text(encoding='utf-8')
        lines += sum(1 for line in text.splitlines() if line.strip())
    assert lines >= 150


def _rules_by_plugin() -> Iterator[tuple[str, frozenset[str]]]:
    from hooks.detectors import plugin_classes

    for cls in plugin_classes():
        yield cls.__name__, frozenset(rule.id for rule in cls.all_rules())


def test_every_rule_is_planted_in_at_least_two_files() -> None:
    files_by_rule: dict[str, set[str]] = {}
    for rel, pairs in LABELS.items():
        for _, rule in pairs:
            files_by_rule.setdefault(rule, set()).add(rel)
    for _, rule_ids in _rules_by_plugin():
        for rule_id in rule_ids:
            assert len(files_by_rule.get(rule_id, ())) >= 2, rule_id


@pytest.mark.parametrize('plugin_name', slow_after(3, [name for name, _ in _rules_by_plugin()]))
def test_removing_a_detector_makes_the_corpus_fail(plugin_name: str) -> None:
    scanner = Scanner()
    scanner.plugins()  # load every module, then take one plugin out
    scanner._modules = {
        name: tuple(p for p in plugins if type(p).__name__ != plugin_name)
        for name, plugins in scanner._modules.items()
    }
    scanner._by_group = {
        group: [p for p in plugins if type(p).__name__ != plugin_name]
        for group, plugins in scanner._by_group.items()
    }
    rule_ids = dict(_rules_by_plugin())[plugin_name]
    relevant = [rel for rel, pairs in LABELS.items() if any(r in rule_ids for _, r in pairs)]
    assert relevant
    missed = [rel for rel in relevant if not LABELS[rel] <= _scan(rel, scanner)]
    assert missed, f'the corpus does not notice {plugin_name} missing'
