"""``mirror-drift``: files declared as mirrors in ``.gates.yml`` must stay byte-identical.

A finding per differing or missing file. A differing pair is reported in the copy that changed
last (by git history; a tie goes to the copy, not the declared source), naming its twin and the
first line where they part; a missing file is reported in the twin that exists. Only pairs with
a file in this run are checked, so a pre-commit run on two files looks at their mirrors only
(on ``--staged`` / ``--diff``: pairs with a file the change touched, deleted ones included).
"""

from __future__ import annotations

import re
from typing import Iterator, Mapping

from gates.context import CheckContext
from gates.documents import decode
from gates.history import change_times
from gates.mirrors import DiskTree, MirrorPair, expand_group
from gates.model import Hit
from gates.repo import RepoView
from gates.sources import SourceFile

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def mirror_drift(view: RepoView, ctx: CheckContext) -> Iterator[Hit]:
    """Each declared mirror pair that differs, or misses one side."""
    if not ctx.config.mirrors:
        return
    tree = DiskTree(ctx.root, ctx.config.exclude, ctx.git, _Sources(view))
    where = str(ctx.config.path.name) if ctx.config.path else ".gates.yml"
    # A staged or diff run's view is the whole tree: there, the pairs with a changed member.
    scope = view.files if view.changed is None else view.changed
    pairs = [pair for index, group in enumerate(ctx.config.mirrors)
             for pair in _present(index, group, tree, where)
             if pair.source in scope or pair.copy in scope]
    drifted: list[tuple[MirrorPair, bytes, bytes]] = []
    for pair in pairs:
        source, copy = tree.file(pair.source), tree.file(pair.copy)
        if source is None or copy is None:
            yield _missing(pair, copy is None)
            continue
        source_bytes, copy_bytes = source.read(), copy.read()
        if source_bytes != copy_bytes:
            drifted.append((pair, source_bytes, copy_bytes))
    if drifted:
        paths = [path for pair, _, _ in drifted for path in (pair.source, pair.copy)]
        ages = change_times(ctx.git, ctx.root, paths)
        for pair, source_bytes, copy_bytes in drifted:
            source_newer = ages[pair.source] > ages[pair.copy]
            yield _drift(pair, source_bytes, copy_bytes, source_newer)


class _Sources(Mapping[str, SourceFile]):
    """The view's files as ``DiskTree`` looks them up, path by path: a staged run's view is
    the whole tree, listed only if something iterates it."""

    def __init__(self, view: RepoView) -> None:
        self._files = view.files

    def __getitem__(self, path: str) -> SourceFile:
        return self._files[path][0]

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def _present(index: int, group: tuple[str, ...], tree: DiskTree, where: str) -> list[MirrorPair]:
    """The group's pairs; a group none of whose files exists is a config mistake, said once."""
    from gates.errors import GatesError

    pairs = expand_group(index, group, tree, where)
    if not any(tree.file(p.source) or tree.file(p.copy) for p in pairs):
        raise GatesError(f"{where}: mirror group {index + 1} ({', '.join(group)}): none of "
                         "its files exists", "fix the paths, or remove the group")
    return pairs


def _missing(pair: MirrorPair, copy_missing: bool) -> Hit:
    fix = f"Copy {pair.source} to {pair.copy}" if copy_missing else \
        f"Add {pair.source} (the source) or delete {pair.copy}"
    if copy_missing:
        return Hit(1, 1, f"its mirror {pair.copy} is missing (mirror group {pair.group + 1})",
                   evidence=f"missing\0{pair.copy}", path=pair.source, fix=fix)
    if pair.folders is not None:
        message = (f"has no counterpart {pair.source} in the source folder {pair.folders[0]}/ "
                   f"(mirror group {pair.group + 1})")
    else:
        message = f"its source {pair.source} is missing (mirror group {pair.group + 1})"
    return Hit(1, 1, message, evidence=f"orphan\0{pair.source}", path=pair.copy, fix=fix)


def _drift(pair: MirrorPair, source: bytes, copy: bytes, source_newer: bool) -> Hit:
    newer, newer_bytes, older_bytes = (pair.source, source, copy) if source_newer else \
        (pair.copy, copy, source)
    line = _first_difference(newer_bytes, older_bytes)
    fix = (f"Copy {pair.source} over {pair.copy} (the first entry of a mirror group is the "
           "source); move any change made only in the copy into the source first")
    if source_newer:
        message = (f"changed after its mirror {pair.copy}, which differs from line {line}: "
                   f"copy this file over it (mirror group {pair.group + 1})")
        twin = pair.copy
    else:
        message = (f"differs from its source {pair.source} from line {line}: make the change "
                   f"in the source and copy it here (mirror group {pair.group + 1})")
        twin = pair.source
    return Hit(line, 1, message, evidence=f"drift\0{twin}", path=newer, fix=fix)


def _first_difference(newer: bytes, older: bytes) -> int:
    """1-based line of ``newer`` where it first differs from ``older`` (1 for binary files)."""
    new_text, old_text = decode(newer), decode(older)
    if new_text is None or old_text is None:
        return 1
    new_lines, old_lines = _LINE_BREAK.split(new_text), _LINE_BREAK.split(old_text)
    if new_lines == old_lines:
        return 1  # only line breaks or the encoding differ
    for number, (a, b) in enumerate(zip(new_lines, old_lines), start=1):
        if a != b:
            return number
    last = len(new_lines) - (1 if new_lines and new_lines[-1] == "" else 0)
    return max(1, min(min(len(new_lines), len(old_lines)) + 1, last))
