"""`python -m hooks.hotfixes`: the same as its console script."""

from __future__ import annotations

from hooks.hotfixes import main

if __name__ == '__main__':
    raise SystemExit(main())
