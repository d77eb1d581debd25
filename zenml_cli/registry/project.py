"""Setting up and checking a project, and its git integration (merge driver, hooks, resolve)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from zenml_cli.registry.base import RegistryBase

if TYPE_CHECKING:
    from typing import Unpack

    from zenml_cli.core.doctor.checkup import DoctorReport
    from zenml_cli.core.keywords import ResolveOptions, StoreSettings
    from zenml_cli.core.merge.driver import DriverResult
    from zenml_cli.core.merge.report import MergeReport


class ProjectDoor(RegistryBase):
    """``init``, ``environment``, ``doctor``, and the branch tools."""

    def init(self, **settings: Unpack[StoreSettings]) -> dict[str, Any]:
        from zenml_cli.core import setup

        return self._write(
            lambda store: setup.init_store(store, **settings), lambda _: "initialise the store"
        )

    @property
    def root(self) -> Path:
        """The project folder: the one that holds ``.zenml/``."""
        return self.store.root

    @property
    def store_dir(self) -> Path:
        """The ``.zenml/`` folder itself."""
        return self.store.dir

    def environment(self) -> dict[str, str]:
        """What ``Client().active_stack`` / ``active_project`` / ``active_user`` describe:
        the project folder, where artifact payloads go, and who is acting."""
        from zenml_cli.core.actor import current_actor

        setting = self.store.config.artifact_store
        is_url = "://" in setting
        return {
            "root": str(self.store.root),
            "artifact_store": setting if is_url else str(self.store.root / setting),
            "artifact_store_flavor": setting.split("://", 1)[0] if is_url else "local",
            "user": current_actor(),
        }

    def doctor(
        self,
        *,
        payloads: bool = False,
        against: str | None = None,
        staged: bool = False,
        use_cache: bool = True,
    ) -> DoctorReport:
        """Check every manifest; with ``payloads``, also every payload they name; with
        ``against`` (a git revision), also that the store is a valid successor of that
        commit's store (no version lost, renumbered or replaced, no history event removed or
        rewritten); ``staged`` compares the index instead of the working tree (against
        ``HEAD`` unless ``against`` names another commit); ``use_cache=False`` parses every
        version file again instead of reusing what an earlier run checked of the same bytes."""
        from zenml_cli.core.doctor import checkup as doctor

        report = doctor.run(self.store, payloads=payloads, use_cache=use_cache)
        if against is not None or staged:
            from zenml_cli.core.doctor import successor

            found, files = successor.check_against(self.store, against or "HEAD", staged=staged)
            report.problems += found
            report.checked_files += files
        return report

    # ----------------------------------------------------------------------------- branches
    def resolve(self, **options: Unpack[ResolveOptions]) -> MergeReport | None:
        """Re-plan the other side's registry writes of the merge, rebase step, cherry-pick or
        stash pop in progress (or just finished) on top of ours; see ``core/merge/resolve.py``
        for ``base``, ``ours``, ``theirs``, ``commit``, ``check_only`` and ``hook``."""
        from zenml_cli.core.merge.resolve import resolve

        return resolve(self.store, **options)

    def git_install(self, zenml: str, *, chain: bool = False) -> dict[str, Any]:
        """Set up this clone's merge driver and hooks (``zenml git install``)."""
        from zenml_cli.core.merge.setup import install

        return install(self.store, zenml, chain=chain)

    def git_merge_file(self, base: str, ours: str, theirs: str, path: str) -> DriverResult:
        """The merge driver: merge git's temp files ``base``/``ours``/``theirs`` of store file
        ``path`` into ``ours``; what happened (a conflict, a collision left for ``zenml
        resolve``, or made a conflict where no hook could resolve it before git goes on).
        The store reads and writes the files, the core merges the bytes."""
        from zenml_cli.core.merge.driver import format_of, merge_file, stop_where_no_hook_follows
        from zenml_cli.store.driver_files import read_side, replace_ours

        sides = (read_side(base), read_side(ours), read_side(theirs))
        result = merge_file(path, *sides, format_of(path))
        replace_ours(ours, result.merged)
        return stop_where_no_hook_follows(result, Path.cwd())  # git runs a driver at the top
