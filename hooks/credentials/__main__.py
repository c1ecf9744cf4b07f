"""`python -m hooks.credentials`: the same as its console script."""

from __future__ import annotations

from hooks.credentials import main

if __name__ == '__main__':
    raise SystemExit(main())
