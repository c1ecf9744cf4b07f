"""`python -m hooks.check_config`: the same as its console script."""

from __future__ import annotations

from hooks.check_config import main

if __name__ == '__main__':
    raise SystemExit(main())
