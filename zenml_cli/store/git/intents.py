"""Pending writes queued on the git remote, and the commits that land them (issue 21.1).

A runner that lost the race for the branch publishes its write as an *intent*: a ref
``refs/zenml/pending/<id>`` on the remote pointing at a tiny commit (the empty tree) whose
message is the write as JSON (kind, arguments, actor, CI run, expiry). Creating a new ref
never races, so publishing always succeeds at once. Whoever lands next applies every pending
intent it fetched and pushes **atomically** (``git push --atomic``): the branch update and the
deletion of each applied intent's ref, each deletion leased on the intent's object id. So the
remote's ref update stays the only compare-and-swap: either the branch moves and exactly those
intents leave the queue, or nothing changes. An intent can never be applied twice (its ref is
gone once it landed) nor lost (its ref stays until a landed commit carries it).

The landing commit names each intent it applied in a trailer,
``Zenml-Intent: <id> {"by": actor, "outcome": {...}}``, from which the owner learns its own
result (``find_landed``). Intent ids start with the publication time in milliseconds, so the
queue's order is the order of arrival.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any

from zenml_cli.digits import is_number_text
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git.cmd import NETWORK_TIMEOUT, GitResult
from zenml_cli.store.git.repo import Identity, Repo

PENDING_PREFIX = "refs/zenml/pending/"
#: Where one transaction keeps its fetched copy of the queue (pruned on every fetch).
SEEN_PREFIX = "refs/zenml/seen/"
TRAILER = "Zenml-Intent"
#: At most this many intents in one landing commit (a bound on one attempt's work).
MAX_BATCH = 200
#: Seconds past its owner's time budget after which an intent is garbage, removed by the
#: next landing instead of applied (its owner withdrew it or was killed).
EXPIRY_GRACE = 120.0


@dataclass(frozen=True)
class Intent:
    """One queued write. ``oid`` is the commit on the remote holding it ("" before publishing);
    ``kind`` and ``args`` are opaque here (``core/intents.py`` reads them)."""

    id: str
    kind: str
    args: dict[str, Any]
    actor: str
    ci_run: str | None
    expires: float
    oid: str = ""

    @property
    def ref(self) -> str:
        return PENDING_PREFIX + self.id

    def body(self) -> str:
        data = {
            "kind": self.kind, "args": self.args, "actor": self.actor, "ci_run": self.ci_run,
            "expires": self.expires,
        }  # fmt: skip
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def parse(cls, intent_id: str, oid: str, text: str) -> Intent | None:
        """The intent a ref's commit message holds; None for anything malformed."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        kind, args, actor = data.get("kind"), data.get("args"), data.get("actor")
        expires, ci_run = data.get("expires"), data.get("ci_run")
        if not (isinstance(kind, str) and isinstance(args, dict) and isinstance(actor, str)):
            return None
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            return None
        if isinstance(expires, int) and abs(expires) > sys.float_info.max:
            return None  # a JSON integer past float's range (math.isfinite would overflow)
        if not math.isfinite(expires) or (ci_run is not None and not isinstance(ci_run, str)):
            return None
        return cls(intent_id, kind, args, actor, ci_run, float(expires), oid)


def new_intent_id(expires: float) -> str:
    """Sortable by publication time, unique without coordination, and carrying its expiry
    (whole seconds) so a poller can rank the queue from ref names alone."""
    now_ms = int(time.time() * 1000)
    return f"{now_ms:013d}-{math.ceil(expires):010d}-{os.getpid()}-{uuid.uuid4().hex[:10]}"


def live_ids(ids: list[str], now: float) -> list[str]:
    """The queued ids whose expiry (as their name says) has not passed, oldest first. A name
    of another shape counts as live: the next landing reads it and removes it as garbage."""
    kept = []
    for intent_id in ids:
        parts = intent_id.split("-")
        if len(parts) > 1 and is_number_text(parts[1]) and int(parts[1]) < now:
            continue
        kept.append(intent_id)
    return sorted(kept)


@dataclass(frozen=True)
class View:
    """The remote as one fetch saw it: the branch tip and the queue, oldest first.
    ``garbage`` are refs under the queue that hold no live intent (expired or malformed)."""

    tip: str
    tip_tree: str
    store_tree: str
    pending: tuple[Intent, ...]
    garbage: tuple[tuple[str, str], ...]  # (ref, oid)
    #: The local refs this fetch left (the tip's and the queue's copies), for ``drop_seen``.
    local_refs: tuple[str, ...] = ()

    def ids(self) -> frozenset[str]:
        return frozenset(intent.id for intent in self.pending)


def fetch_view(repo: Repo, remote: str, branch: str, tx: str, now: float) -> View:
    """Fetch the branch tip and every pending intent in one round trip."""
    tip_ref, seen = f"refs/zenml/tx/{tx}", f"{SEEN_PREFIX}{tx}/"
    fetched = repo.git(
        "fetch", "--no-tags", "--no-write-fetch-head", "--quiet", "--prune", "--refmap=",
        remote, f"+refs/heads/{branch}:{tip_ref}", f"+{PENDING_PREFIX}*:{seen}*",
        timeout=NETWORK_TIMEOUT,
    )  # fmt: skip
    if not fetched.ok:
        from zenml_cli.store.git.repo import fetch_failure

        raise fetch_failure(fetched, remote, branch, repo)
    tip, tip_tree, store_tree = repo.tip_objects(tip_ref, f"{remote}/{branch}")
    listed = repo.check("for-each-ref", "--format=%(objectname) %(refname)%00%(contents)%00", seen)
    pending: list[Intent] = []
    garbage: list[tuple[str, str]] = []
    fields = listed.split("\0")
    for head, text in zip(fields[0::2], fields[1::2], strict=False):
        oid, _, refname = head.strip().partition(" ")
        intent_id = refname.removeprefix(seen)
        intent = Intent.parse(intent_id, oid, text)
        if intent is None or intent.expires < now:
            garbage.append((PENDING_PREFIX + intent_id, oid))
        else:
            pending.append(intent)
    pending.sort(key=lambda intent: intent.id)
    local = (
        tip_ref,
        *(seen + i.id for i in pending),
        *(seen + r.removeprefix(PENDING_PREFIX) for r, _ in garbage),
    )
    return View(tip, tip_tree, store_tree, tuple(pending), tuple(garbage), local)


def list_queue(repo: Repo, remote: str, branch: str) -> tuple[str, list[str]]:
    """``(branch tip, every queued id)`` in one round trip and one process, without fetching
    anything: what a waiting runner polls (a fetch costs several processes)."""
    listed = repo.git(
        "ls-remote", remote, f"refs/heads/{branch}", f"{PENDING_PREFIX}*", timeout=NETWORK_TIMEOUT
    )
    if not listed.ok:
        raise git_cmd.unreachable(remote, "ls-remote", listed.stderr)
    tip, ids = "", []
    for line in listed.stdout.splitlines():
        oid, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            tip = oid
        elif ref.startswith(PENDING_PREFIX):
            ids.append(ref.removeprefix(PENDING_PREFIX))
    return tip, sorted(ids)


def drop_seen(repo: Repo, tx: str, refs: tuple[str, ...] | None = None) -> None:
    """Forget one transaction's local copy of the queue and of the tip: ``refs``, the ones
    its last fetch left (``View.local_refs``; each fetch prunes the queue's copies that left
    the remote), so one process deletes them; None lists them first."""
    if refs is None:
        refs = tuple(
            repo.git("for-each-ref", "--format=%(refname)", f"{SEEN_PREFIX}{tx}/").out.split()
        )
    lines = [f"delete {ref}" for ref in dict.fromkeys([*refs, f"refs/zenml/tx/{tx}"])]
    git_cmd.run(["update-ref", "--stdin"], cwd=repo.top, stdin="\n".join(lines) + "\n")


def publish(
    repo: Repo, remote: str, intent: Intent, identity: Identity | list[str]
) -> Intent | None:
    """Queue ``intent`` on the remote; the published intent, or None if the remote refused
    the ref (a server that allows only branches: the caller falls back to plain retries).
    ``identity``: the transaction's (``Repo.commit_as``), or ``-c`` arguments as given."""
    if not isinstance(identity, Identity):
        identity = Identity(list(identity))
    oid = repo.commit_as(identity, repo.empty_tree(), [], intent.body())
    pushed = repo.git("push", "--porcelain", remote, f"{oid}:{intent.ref}", timeout=NETWORK_TIMEOUT)
    if not pushed.ok:
        return None
    return Intent(intent.id, intent.kind, intent.args, intent.actor, intent.ci_run,
                  intent.expires, oid)  # fmt: skip


def withdraw(repo: Repo, remote: str, intent: Intent) -> bool:
    """Take ``intent`` off the queue unless someone landed it meanwhile: True if withdrawn
    (it will never land), False if it was gone (landed, or removed as garbage)."""
    pushed = repo.git(
        "push", "--porcelain", f"--force-with-lease={intent.ref}:{intent.oid}", remote,
        f":{intent.ref}", timeout=NETWORK_TIMEOUT,
    )  # fmt: skip
    return pushed.ok


def push_landing(
    repo: Repo, remote: str, commit: str, branch: str, consumed: list[tuple[str, str]]
) -> GitResult:
    """The compare-and-swap of a landing: the branch moves to ``commit`` (a fast-forward of
    the tip it was built on) and every ``(ref, oid)`` in ``consumed`` is deleted, leased on its
    oid, all or nothing. Without intents it is the plain push of a single write."""
    if not consumed:
        return repo.push(remote, commit, branch)
    leases = [f"--force-with-lease={ref}:{oid}" for ref, oid in consumed]
    deletions = [f":{ref}" for ref, _ in consumed]
    return repo.git(
        "push", "--atomic", "--porcelain", *leases, remote, f"{commit}:refs/heads/{branch}",
        *deletions, timeout=NETWORK_TIMEOUT,
    )  # fmt: skip


def landing_message(
    lines: list[str], own_actor: str | None, landed: list[tuple[Intent, dict[str, Any]]]
) -> str:
    """Subject (the first write, and how many more), one line per write, then the trailers:
    ``Zenml-Actor`` for this process's own write, ``Zenml-Intent`` for each queued one."""
    clean = [" ".join(line.split()) or "registry change" for line in lines]
    more = f" (+{len(clean) - 1} more)" if len(clean) > 1 else ""
    message = f"zenml: {clean[0]}{more}\n\n"
    if len(clean) > 1:
        message += "".join(f"- {line}\n" for line in clean) + "\n"
    trailers = [f"Zenml-Actor: {own_actor}"] if own_actor else []
    for intent, outcome in landed:
        note = json.dumps({"by": intent.actor, "outcome": outcome}, separators=(",", ":"))
        trailers.append(f"{TRAILER}: {intent.id} {note}")
    return message + "".join(f"{line}\n" for line in trailers)


def find_landed(repo: Repo, tip: str, since: str, intent_id: str) -> tuple[str, dict[str, Any]]:
    """``(commit, outcome)`` of the commit on the branch (first parents from ``tip`` back to
    ``since``) that landed ``intent_id``; ``("", {})`` when none did."""
    marker = f"{TRAILER}: {intent_id} "
    found = repo.git(
        "log", "--first-parent", "-F", f"--grep={marker}", "-n", "1", "--format=%H%x00%B",
        tip, f"^{since}", "--",
    )  # fmt: skip
    if not found.ok or not found.out:
        return "", {}
    commit, _, body = found.out.partition("\0")
    for line in body.splitlines():
        if line.startswith(marker):
            try:
                data = json.loads(line.removeprefix(marker))
            except ValueError:
                break
            outcome = data.get("outcome") if isinstance(data, dict) else None
            return commit, outcome if isinstance(outcome, dict) else {}
    return commit, {}
