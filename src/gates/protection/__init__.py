"""Branch protection: the repo's declaration, its comparison with live data, and the commands.

``declared.py`` loads ``.gates/protection.yml`` (JSON Schema validated, errors with file:line);
``drift.py`` compares a declaration with what the forge enforces (``gates.forge``);
``command.py`` reads the forge once for ``gates protection`` / ``gates check --protection``;
``cli.py`` is the click layer of ``gates protection``. The rules live in ``gates.checks``.
"""
