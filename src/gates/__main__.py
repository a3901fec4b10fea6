"""``python -m gates`` runs the same CLI as the ``gates`` console script."""

from gates.cli import main

raise SystemExit(main())
