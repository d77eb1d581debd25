"""``zenml git install``: set up a clone so git merges the registry by itself, as
``git lfs install`` sets up a clone for LFS. Everything goes into the clone's own
``.git/`` (never a committed file): the committed ``.zenml/.gitattributes`` cannot name a
driver that another clone has not installed.

- ``.git/config``: ``merge.zenml.driver = <zenml> git merge-file %O %A %B %P``.
- ``.git/info/attributes`` (which wins over any ``.gitattributes``): ``merge=zenml`` for the
  store's model.yaml, history.jsonl and version, artifact and run manifests.
- hooks ``post-merge``, ``post-rewrite`` (a rebase) and ``post-commit`` (a cherry-pick: the
  driver lets it commit, and no other hook follows one) that run ``zenml resolve --hook``;
  the driver keeps ours and marks a collision only where one of them follows, and stops git
  everywhere else (``operation.stop_reason``). Git runs hooks at the work tree's top, so
  each names its store's folder (``--project-dir ./ml``); with several stores in a
  repository, ``zenml.store`` in ``.git/config`` lists them, and each install keeps the others'.
  ``post-commit`` runs on every commit (a rebase's steps too), so it starts zenml only
  inside a single cherry-pick (one ``git rev-parse`` otherwise). A hook the user already has is
  never overwritten: install refuses, naming it, unless asked to ``chain`` (the user's hook
  moves to ``<name>.pre-zenml`` and runs first).
"""

from __future__ import annotations

import os
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path

from zenml_cli.errors import ConflictError
from zenml_cli.store.git import attributes as git_attributes
from zenml_cli.store.git.repo import Repo
from zenml_cli.store.layout import STORE_DIR

MARKER = "# installed by 'zenml git install'"
HOOKS = ("post-merge", "post-rewrite", "post-commit")
CHAINED_SUFFIX = ".pre-zenml"
STORES_KEY = "zenml.store"


@dataclass
class Installed:
    driver: str
    attributes_file: str
    hooks: list[str] = field(default_factory=list)
    chained: list[str] = field(default_factory=list)
    #: The project folders (relative to the work tree's top) the hooks resolve.
    stores: list[str] = field(default_factory=list)


def install(repo: Repo, zenml: str, *, chain: bool = False) -> Installed:
    """Install driver, attributes and hooks (idempotent: a second run rewrites its own)."""
    hooks_dir = _hooks_dir(repo)
    foreign = [name for name in HOOKS if _is_foreign(hooks_dir / name)]
    if foreign and not chain:
        raise ConflictError(
            f"{', '.join(str(hooks_dir / n) for n in foreign)} already exist(s) and were not "
            "written by zenml-cli; nothing was changed. Re-run with --chain to keep them and run "
            "them first, or add 'zenml resolve --hook <name>' to them yourself"
        )
    command = f"{shlex.quote(zenml)} git merge-file %O %A %B %P"
    repo.check("config", "--local", "merge.zenml.name", "zenml-cli registry merge")
    repo.check("config", "--local", "merge.zenml.driver", command)
    folders = _stores(repo)
    attributes = git_attributes.write(repo, [_store_path(folder) for folder in folders])
    done = Installed(driver=command, attributes_file=str(attributes), stores=folders)
    for name in HOOKS:
        path = hooks_dir / name
        if _is_foreign(path):
            chained = path.with_name(name + CHAINED_SUFFIX)
            os.replace(path, chained)
            done.chained.append(str(chained))
        _write_hook(path, zenml, name, folders)
        done.hooks.append(str(path))
    return done


def _stores(repo: Repo) -> list[str]:
    """Every store this clone installed for, ``repo``'s added: ``zenml.store`` values in
    ``.git/config``, each the store's project folder as the hooks name it (``.``, ``./ml``:
    relative to the work tree's top, where git runs hooks; never starting with ``-`` or
    ``~``). One install per store in a repository, and each keeps the others'."""
    listed = repo.git("config", "--local", "-z", "--get-all", STORES_KEY).stdout
    folders = [folder for folder in listed.split("\0") if folder]
    mine = "./" + repo.prefix.rstrip("/") if repo.prefix else "."
    if mine not in folders:
        repo.check("config", "--local", "--add", STORES_KEY, mine)
        folders.append(mine)
    return folders


def _store_path(folder: str) -> str:
    """The ``.zenml`` path inside the repository of project folder ``folder`` (``./ml``)."""
    return STORE_DIR if folder == "." else f"{folder.removeprefix('./')}/{STORE_DIR}"


def _hooks_dir(repo: Repo) -> Path:
    """``core.hooksPath`` when set (relative to the work tree's top), else ``.git/hooks``."""
    configured = repo.git("config", "--get", "core.hooksPath").out
    if configured:
        return (repo.top / Path(configured).expanduser()).resolve()
    return repo.git_dir / "hooks"


def _is_foreign(path: Path) -> bool:
    try:
        return MARKER not in path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return False


#: post-rewrite: each store's resolve reads its own copy of the rewritten commits git sent.
_COPY_OF_INPUT = "printf '%s\\n' \"$input\" | "


def _write_hook(path: Path, zenml: str, name: str, folders: list[str]) -> None:
    chained = shlex.quote(str(path.with_name(name + CHAINED_SUFFIX)))
    if name == "post-rewrite":  # git feeds the rewritten commits on stdin: give each a copy
        body = f"""input=$(cat)
if [ -x {chained} ]; then
  printf '%s\\n' "$input" | {chained} "$@"
fi
{_resolve_each(zenml, name, folders, _COPY_OF_INPUT, "")}"""
    elif name == "post-commit":  # every commit: zenml starts only inside a cherry-pick
        body = f"""if [ -x {chained} ]; then
  {chained} "$@" </dev/null
fi
{{ read -r picked; read -r rebasing; read -r several; }} <<PATHS
$(git rev-parse --git-path CHERRY_PICK_HEAD --git-path rebase-merge --git-path sequencer/todo)
PATHS
if [ -f "$picked" ] && [ ! -d "$rebasing" ] && [ ! -f "$several" ]; then
{_resolve_each(zenml, name, folders, "", " </dev/null")}
fi"""
    else:  # post-merge reads nothing (never wait on a terminal's stdin)
        body = f"""if [ -x {chained} ]; then
  {chained} "$@" </dev/null
fi
{_resolve_each(zenml, name, folders, "", " </dev/null")}"""
    what = {"post-merge": "a merge", "post-rewrite": "a rebase"}.get(name, "a cherry-pick")
    script = f"""#!/bin/sh
{MARKER}: after {what}, re-plan registry writes that
# collided (two branches' versions with one number); a no-op when nothing collided.
{body}
exit 0
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _resolve_each(zenml: str, name: str, folders: list[str], before: str, after: str) -> str:
    """``zenml resolve --hook`` once per store, each told its folder (git runs a hook at the
    work tree's top, where a store in a subfolder is not found), skipped where the checked
    out commit has no such store."""
    runs = []
    for folder in folders:
        store = shlex.quote(f"{folder}/{STORE_DIR}")
        run = f'{shlex.quote(zenml)} --project-dir {shlex.quote(folder)} resolve --hook {name} "$@"'
        runs.append(f"if [ -d {store} ]; then\n  {before}{run}{after}\nfi")
    return "\n".join(runs)
