"""Where everything lives under ``.zenml/``: the one module that names the store's paths.

Layout (format 1)::

    .zenml/config.yaml                       format, manifest encoding, policies
    .zenml/.gitignore, .gitattributes        keep locks/caches/payloads out of git
    .zenml/models/<model>/model.yaml         model fields, stage holders, retired numbers
    .zenml/models/<model>/versions/<n>.yaml  one version each
    .zenml/models/<model>/history.jsonl      append-only stage/rename/delete events
    .zenml/artifacts/<name>/<version>.yaml   artifact versions
    .zenml/artifacts/<name>/.retired.jsonl   deleted artifact versions (number, id)
    .zenml/runs/<run>.yaml                   pipeline runs
    .zenml/.locks/  .cache/  .trash/         machine-local, git-ignored

The model's folder name *is* its name, so a rename is one atomic ``os.rename``. Every name
that becomes a path component passes ``is_safe_component`` first (the one path guard), so
user input can never steer a path out of its folder.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

STORE_DIR = ".zenml"
CONFIG_FILE = "config.yaml"
CACHE_DIR = ".cache"
LOCKS_DIR = ".locks"
TRASH_DIR = ".trash"
HISTORY_FILE = "history.jsonl"
ARTIFACT_RETIRED_FILE = ".retired.jsonl"
#: Prefix of in-flight temp files and folders; readers skip these, and .gitignore lists them.
TEMP_PREFIX = ".tmp-"
#: Lock file names longer than this are shortened with a hash (file systems cap names at 255).
MAX_LOCK_NAME = 120

#: The default local artifact store, relative to ``.zenml/`` (config.yaml may name another).
DEFAULT_PAYLOAD_DIR = "artifact_store"
DEFAULT_ARTIFACT_STORE = f"{STORE_DIR}/{DEFAULT_PAYLOAD_DIR}"
#: Folders of ``.zenml/`` that are machine-local or derived, never committed.
NEVER_COMMITTED = (LOCKS_DIR, CACHE_DIR, TRASH_DIR, DEFAULT_PAYLOAD_DIR)
GITIGNORE = "".join(
    line + "\n"
    for line in (
        "# Written by zenml-cli: derived or machine-local files that must not be committed.",
        *(f"{folder}/" for folder in (LOCKS_DIR, CACHE_DIR, TRASH_DIR)),
        f"{TEMP_PREFIX}*",
        f"{DEFAULT_PAYLOAD_DIR}/",
    )
)
GITATTRIBUTES = """\
# Written by zenml-cli: history is append-only, so concurrent branches merge by union.
models/*/history.jsonl merge=union
"""


def is_safe_component(name: str) -> bool:
    """True when ``name`` can be one path component without leaving its folder."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


def manifest_memo_file(store_dir: Path) -> Path:
    """The memo of decoded config and model manifests (read before the config is known)."""
    return store_dir / CACHE_DIR / "manifests.index"


class Layout:
    """The paths of one store, for manifests encoded with extension ``ext``."""

    def __init__(self, root: Path, ext: str) -> None:
        self.root = root
        self.dir = root / STORE_DIR
        self.ext = ext

    @property
    def config_file(self) -> Path:
        return self.dir / CONFIG_FILE

    @property
    def models_dir(self) -> Path:
        return self.dir / "models"

    def model_dir(self, model: str) -> Path:
        return self.models_dir / model

    @property
    def model_file_name(self) -> str:
        return "model" + self.ext

    def model_file(self, model: str) -> Path:
        return self.model_dir(model) / self.model_file_name

    def versions_dir(self, model: str) -> Path:
        return self.model_dir(model) / "versions"

    def version_file_name(self, number: int) -> str:
        return f"{number}{self.ext}"

    def version_file(self, model: str, number: int) -> Path:
        return self.versions_dir(model) / self.version_file_name(number)

    def history_file(self, model: str) -> Path:
        return self.model_dir(model) / HISTORY_FILE

    @property
    def artifacts_dir(self) -> Path:
        return self.dir / "artifacts"

    def artifact_dir(self, name: str) -> Path:
        return self.artifacts_dir / name

    def artifact_retired_file(self, name: str) -> Path:
        """Deleted versions of artifact ``name`` (number and id each), append-only. Its name
        cannot be a version file's (it does not end in the manifest extension)."""
        return self.artifact_dir(name) / ARTIFACT_RETIRED_FILE

    def artifact_file(self, name: str, version: str) -> Path:
        return self.artifact_dir(name) / f"{version}{self.ext}"

    @property
    def runs_dir(self) -> Path:
        return self.dir / "runs"

    def run_file(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}{self.ext}"

    def temp_in(self, folder: Path) -> Path:
        """A fresh temp name inside ``folder`` (skipped by readers, ignored by git)."""
        import uuid

        return folder / f"{TEMP_PREFIX}{uuid.uuid4().hex}"

    @property
    def trash_dir(self) -> Path:
        return self.dir / TRASH_DIR

    def lock_file(self, key: str) -> Path:
        """The lock file of one resource key. Keys embed user input, so they are quoted (never
        a path separator) and, when long, shortened with a hash (never past a name limit)."""
        name = quote(key.casefold(), safe="")
        if len(name) > MAX_LOCK_NAME:
            import hashlib  # here: only long names need it, and it costs ~3 ms to import

            digest = hashlib.sha256(name.encode()).hexdigest()[:16]
            name = f"{name[:60]}-{digest}"
        return self.dir / LOCKS_DIR / f"{name}.lock"

    def cache_path(self, folder: Path, suffix: str) -> Path:
        """Where the derived cache of ``folder`` (inside the store) lives."""
        relative = folder.relative_to(self.dir)
        return self.dir / CACHE_DIR / relative.parent / (relative.name + suffix)
