"""Generated files: dependency lockfiles and minified bundles, which secret rules pass over.

A lockfile is hundreds of kilobytes of integrity hashes and registry URLs that a tool wrote; a
minified bundle is a build's output on one line. Neither is where someone types a credential,
both are where a format-based scanner spends most of its time on a large tree (40% of the bytes
of the benchmark monorepo) and finds hash-shaped noise. Rules with a ``scan_generated`` option
(``hardcoded-secret``, ``secret-literal``) skip them unless it is true, and the engine says so
in a skipped-file note per file: a file not read is never silently a pass.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from gates.documents import Document

LOCKFILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock",
    "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "Cargo.lock", "go.sum",
    "composer.lock", "Gemfile.lock", "flake.lock", "packages.lock.json", "mix.lock",
    "pubspec.lock", "Package.resolved", "gradle.lockfile",
})
LONG_LINE = 5000  # characters: no hand-written JavaScript or CSS has a line this long


def generated(doc: Document) -> str | None:
    """"lockfile" or "minified" when ``doc`` is generated, else None."""
    name = PurePosixPath(doc.path).name
    if name in LOCKFILES:
        return "lockfile"
    if ".min." in name or name.endswith(".map"):
        return "minified"
    if (doc.kind in ("javascript", "typescript") or name.endswith(".css")) and \
            len(doc.text) > LONG_LINE and \
            max(map(len, doc.text.split("\n"))) > LONG_LINE:
        return "minified"
    return None
