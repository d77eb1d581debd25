"""A registry for the dashboard tests, built through the Python API (Client, Model, a
pipeline), plus helpers to read the built site back."""

from __future__ import annotations

import json
import re
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated

from zenml_cli import ArtifactConfig, Client, Model, log_metadata, pipeline, step

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
ODD_MODEL = "odd #1 % ünï 50%"
#: iris's accuracy per version: a bool, a text and a missing value are not points.
ACCURACY = {1: 0.81, 2: 0.86, 3: True, 4: 0.91, 5: "n/a", 6: None, 7: 0.93}


def showcase(client: Client) -> None:
    """iris (7 versions, metadata, promotions with messages), a model with a hostile
    description and an odd name, and 'demo' registered by two pipeline runs."""
    client.create_model("iris", license="MIT", description="Iris classifier", tags=["sklearn"])
    for number, accuracy in ACCURACY.items():
        version = client.create_model_version("iris", name="1.0.5" if number == 2 else None)
        metadata: dict[str, object] = {"notes": f"run {number}"}
        if accuracy is not None:
            metadata["accuracy"] = accuracy
        Model(name="iris", version=version.number).log_metadata(metadata)
    from zenml_cli.core.versions import update_version

    update_version(client.registry.store, "iris", 1, stage="production", message="first release")
    update_version(client.registry.store, "iris", 2, stage="staging")
    update_version(client.registry.store, "iris", 2, stage="production", message="better recall")
    client.update_model_version("iris", 4, stage="staging")
    client.create_model(ODD_MODEL, description=HOSTILE, tags=[HOSTILE])
    client.create_model_version(ODD_MODEL, name="x#%y ü", description=HOSTILE)
    _run_pipeline()


@step
def load() -> Annotated[list, ArtifactConfig("features")]:
    return [[0.1, 0.9], [0.8, 0.3]]


@step
def train(features: list) -> Annotated[dict, ArtifactConfig("trained", is_model_artifact=True)]:
    log_metadata({"accuracy": 0.5 + len(features) / 10}, infer_model=True)
    return {"threshold": 1.0}


def _run_pipeline() -> None:
    @pipeline(model=Model(name="demo", description="from a pipeline"), enable_cache=False)
    def training() -> None:
        train(load())

    training()
    training()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("href"):
            self.hrefs.append(values["href"] or "")
        if values.get("id"):
            self.ids.add(values["id"] or "")


def links(page: Path) -> tuple[list[str], set[str]]:
    """(every href, every id) of an HTML file."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs, parser.ids


def site_bytes(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def points(page_html: str, key: str) -> list[int]:
    """The data-version of each chart point of ``key`` on a model page."""
    figure = re.search(
        rf'<figure class="chart" data-key="{re.escape(key)}">(.*?)</figure>', page_html, re.S
    )
    assert figure, f"no chart for {key}"
    return [
        int(n) for n in re.findall(r'<circle class="point" data-version="(\d+)"', figure.group(1))
    ]


START_TIMEOUT = 30


@contextmanager
def serving(root: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A ``zenml dashboard serve --port 0`` process and its URL (read from its JSON line)."""
    zenml = Path(sys.executable).with_name("zenml")
    proc = subprocess.Popen(
        [str(zenml), "dashboard", "serve", "--port", "0", "-o", "json", *extra],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    try:
        url = _first_line(proc)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=START_TIMEOUT)


def _interruptible() -> None:
    """Ctrl-C reaches the server as it does from a terminal, even when the suite itself runs
    with SIGINT ignored (a background job of a non-interactive shell): a child inherits that
    disposition, and Python keeps an ignored SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _first_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(START_TIMEOUT):
            raise AssertionError("the server printed no URL in time")
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else "no output"
    return str(json.loads(line)["url"])
