"""gates: a CI policy linter and gate suite.

Nothing heavy is imported here: ``gates --version`` and a pre-commit run on a few files
must start fast, so every module imports its own dependencies where it needs them.
"""

__version__ = "0.1.0"
