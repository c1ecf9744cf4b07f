"""`python -m hooks.signatures`: the same as its console script."""

from __future__ import annotations

from hooks.signatures import main

if __name__ == '__main__':
    raise SystemExit(main())
