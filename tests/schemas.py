"""Schemas our reports are held to, vendored in tests/data so validation never depends
on the network or on files outside this repository."""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema

from tests.conftest import ROOT

SARIF_SCHEMA = ROOT / 'tests' / 'data' / 'sarif-schema-2.1.0.json'


@functools.lru_cache(maxsize=1)
def _sarif_validator() -> Any:
    # A missing file fails the test that asked: SARIF validation never skips.
    schema = json.loads(SARIF_SCHEMA.read_text(encoding='utf-8'))
    cls = jsonschema.validators.validator_for(schema)  # draft-04, as the file says
    cls.check_schema(schema)
    return cls(schema)


def validate_sarif(document: object) -> None:
    """Raise jsonschema.ValidationError unless `document` is valid SARIF 2.1.0."""
    _sarif_validator().validate(document)
