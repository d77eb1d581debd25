"""A build on two processes (``dashboard/parallel.py``, issue 21.3): a forked child draws every
second model, and the site, the counts and the kept state are those of a single process; a
child that fails leaves its models to this process, so errors are a single process's."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.dashboard import files, incremental, parallel
from zenml_cli.dashboard.data import ModelDetail, Reader
from zenml_cli.dashboard.site import BuildResult, build_site
from zenml_cli.errors import CorruptManifestError

from support.dashboard import ODD_MODEL, showcase, site_bytes

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
NAMES = ["demo", "iris", ODD_MODEL]  # the order a build takes them in (code points)


@pytest.fixture
def shown(client: Client, monkeypatch: pytest.MonkeyPatch) -> Client:
    showcase(client)
    # Fingerprints of files written moments ago are never kept: read "now" a minute later.
    monkeypatch.setattr(incremental, "now_ns", lambda: time.time_ns() + 60_000_000_000)
    return client


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the models this process reads and draws (a child's are not seen here)."""
    names: list[str] = []
    original = Reader.model

    def counting(self: Reader, name: str) -> ModelDetail:
        names.append(name)
        return original(self, name)

    monkeypatch.setattr(Reader, "model", counting)
    return names


def build(client: Client, out: Path, processes: int) -> BuildResult:
    return build_site(Reader(client.registry), out, processes=processes)


def counts(result: BuildResult) -> tuple[int, ...]:
    return (result.pages, result.models, result.versions, result.written, result.removed)


def test_two_processes_write_the_site_one_process_writes(
    shown: Client, project: Path, drawn: list[str]
) -> None:
    alone = build(shown, project / "alone", 1)
    drawn.clear()
    split = build(shown, project / "split", 2)
    assert drawn == NAMES[0::2]  # the child drew the others
    assert counts(split) == counts(alone)
    assert site_bytes(project / "split") == site_bytes(project / "alone")
    drawn.clear()
    again = build(shown, project / "split", 2)  # the child's models were kept as well
    assert drawn == [] and again.written == 0
    assert site_bytes(project / "split") == site_bytes(project / "alone")


def test_the_first_error_in_model_order_is_raised(shown: Client, project: Path) -> None:
    """iris is the child's and the odd model this process's: a single process meets iris's
    corrupt file first, and so does a split build."""
    models = project / ".zenml" / "models"
    (models / "iris" / "versions" / "3.yaml").write_text("number: [unclosed\n")
    (models / ODD_MODEL / "versions" / "1.yaml").write_text("number: [unclosed\n")
    for processes in (1, 2):
        with pytest.raises(CorruptManifestError) as raised:
            build(shown, project / f"site-{processes}", processes)
        assert "iris" in str(raised.value) and "3.yaml" in str(raised.value)


def test_a_child_that_dies_leaves_its_models_to_this_process(
    shown: Client, project: Path, drawn: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(shown, project / "alone", 1)
    parent = os.getpid()
    counting = Reader.model

    def dying(self: Reader, name: str) -> ModelDetail:
        if os.getpid() != parent:
            os._exit(9)  # the child, gone without a word
        return counting(self, name)

    monkeypatch.setattr(Reader, "model", dying)
    drawn.clear()
    build(shown, project / "split", 2)
    assert drawn == [*NAMES[0::2], *NAMES[1::2]]  # its own, then the child's
    assert site_bytes(project / "split") == site_bytes(project / "alone")


def test_a_child_that_dies_mid_page_leaves_a_correct_site(
    shown: Client, project: Path, drawn: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child writes its own models' pages: one that dies halfway through a page leaves
    a page cut short and a folder behind, which this process, drawing the child's models
    again, must replace (a folder it did not make is compared, not taken as empty)."""
    alone = build(shown, project / "alone", 1)
    parent = os.getpid()
    whole = files.write_new_file
    in_child: list[Path] = []

    def cut_short(path: Path, data: bytes) -> None:
        if os.getpid() != parent:
            if in_child:  # the child's second page: half of it, then gone
                whole(path, data[: len(data) // 2])
                os._exit(9)
            in_child.append(path)
        whole(path, data)

    monkeypatch.setattr(files, "write_new_file", cut_short)
    drawn.clear()
    split = build(shown, project / "split", 2)
    assert drawn == [*NAMES[0::2], *NAMES[1::2]]  # its own, then the child's
    assert counts(split)[:3] == counts(alone)[:3]
    assert site_bytes(project / "split") == site_bytes(project / "alone")
    drawn.clear()
    assert build(shown, project / "split", 2).written == 0 and drawn == []  # all kept


def test_small_stores_are_drawn_in_one_process() -> None:
    assert parallel.processes_for(parallel.PARALLEL_FROM - 1) == 1
    assert parallel.processes_for(parallel.PARALLEL_FROM) in (1, 2)
