"""``gates protection snapshot --declare``: write ``.gates/protection.yml`` from the forge.

Adopting the protection rules should not start with typing out what the forge already enforces.
This reads live protection once (the same reader as ``gates protection``), merges each branch's
readable sources (most restrictive wins) and writes what they enforce as a declaration with
``mode: at_least``: from then on, gates reports any loosening. Settings no source expresses are
left out (undeclared keys are not checked); a source the token could not read is named in a
comment, since the declaration may then be weaker than what the forge enforces. The text is
validated by the declaration's own loader before it is written, and an existing declaration is
replaced only with ``--force``.
"""

from __future__ import annotations

import json
from pathlib import Path

from gates.errors import GatesError
from gates.forge import FLAGS, BranchState, Snapshot
from gates.project import Project
from gates.protection.command import ForgeOptions, read_forge
from gates.protection.declared import NAMES, Declaration, find_on_disk, load

TARGET = NAMES[0]


def declare(paths: list[Path], config_file: Path | None, options: ForgeOptions,
            branches: list[str], force: bool) -> tuple[Path, Snapshot]:
    """Read the forge and write the declaration; return its path and what was read."""
    from gates.fix import FileChange, FileText, write
    from gates.project import open_project

    project = open_project(paths or [Path(".")], config_file)
    existing = find_on_disk(project.root)
    if existing is not None and not force:
        raise GatesError(f"{existing} already declares branch protection",
                         "pass --force to replace it with what the forge enforces now")
    names = branches or _declared_names(project, existing) or [default_branch(project)]
    empty = Declaration(TARGET, "", None, 1, ())
    recorded = read_forge(project, options, empty, names)
    text = render(recorded)
    load(text, TARGET)  # a failure here is a bug in ``render``: exit 3, nothing written
    where = project.root / TARGET
    write(project.root, FileChange(TARGET, FileText("", exists=where.is_file()), text, ()))
    return where, recorded


def _declared_names(project: Project, existing: Path | None) -> list[str]:
    if existing is None:
        return []
    from gates.protection.command import declaration

    return [b.name for b in declaration(project).branches]


def default_branch(project: Project) -> str:
    """The branch to declare when none is named: the remote's default, else main / master."""
    git = project.git
    if git is None:
        raise GatesError("no git repository, so no default branch to declare",
                         "name the branches with --branch NAME")
    repo = git.repo
    head = repo.references.get("refs/remotes/origin/HEAD")
    if head is not None and isinstance(head.target, str):  # symbolic: refs/remotes/origin/main
        return str(head.target).removeprefix("refs/remotes/origin/")
    for name in ("main", "master"):
        if repo.lookup_branch(name) is not None:
            return name
    raise GatesError("cannot tell the default branch (no origin/HEAD, no main or master)",
                     "name the branches with --branch NAME")


def render(snapshot: Snapshot) -> str:
    """The declaration text: a header, then each branch's merged live settings."""
    lines = [
        f"# Declared by `gates protection snapshot --declare` from {snapshot.repo}",
        "# (what the forge enforced then). `gates protection` reports any difference; edit it",
        "# to what the branches *must* require: anything removed here is no longer checked.",
        "version: 1",
        f"provider: {snapshot.provider}",
        "branches:",
    ]
    for state in snapshot.branches:
        lines += _branch(state)
    return "\n".join(lines) + "\n"


def _branch(state: BranchState) -> list[str]:
    lines = [f"  {_key(state.branch)}:"]
    for source in state.unknown:
        lines.append(f"    # {source.title} could not be read ({source.detail or 'no answer'}; "
                     f"needs {source.permission}): this may be weaker than the forge enforces")
    live = state.live
    body: list[str] = []
    if live.checks is not None:
        body += ["    required_checks:", "      mode: at_least", "      checks:"]
        if live.patterns:
            body.insert(1, "      # Gitea status check patterns: each is matched as a glob")
        for check in live.checks:
            if check.app_id is not None:
                body.append(f"        - context: {json.dumps(check.context)}")
                body.append(f"          app_id: {check.app_id}")
            else:
                body.append(f"        - {json.dumps(check.context)}")
        if not live.checks:
            body[-1] = "      checks: []"
    if live.required_approvals is not None:
        body.append(f"    required_approvals: {live.required_approvals}")
    for name in FLAGS:
        value = getattr(live, name)
        if value is not None:
            body.append(f"    {name}: {'true' if value else 'false'}")
    if not body:
        lines[0] += " {}"
        lines.append("    # no protection could be read for this branch")
    return lines + body


def _key(branch: str) -> str:
    """A branch name as a YAML key: plain when safe, else JSON-quoted."""
    plain = all(ch.isalnum() or ch in "-_./" for ch in branch) and not branch[:1].isdigit()
    return branch if plain and branch.lower() not in ("true", "false", "null", "yes", "no",
                                                      "on", "off") else json.dumps(branch)
