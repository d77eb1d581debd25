"""The part of ``Client`` about pipelines, runs and the local stack (ZenML's names).

``Client`` inherits these; they use its ``registry`` like every other method.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.core.listing import DEFAULT_PAGE_SIZE, Page
from zenml_cli.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from zenml_cli.models.run_responses import PipelineResponse, PipelineRunResponse
    from zenml_cli.registry import Registry
    from zenml_cli.stack import Project, Stack, User


class RunsAndStack:
    registry: Registry

    # ------------------------------------------------------------------------- runs
    def get_pipeline_run(self, name_id_or_prefix: str) -> PipelineRunResponse:
        """A pipeline run by id or name (exact, never by prefix); its steps' outputs load
        (``run.steps["trainer"].output.load()``)."""
        from zenml_cli.models.run_responses import PipelineRunResponse

        return PipelineRunResponse.bind(self.registry.find_run(name_id_or_prefix), self.registry)

    def list_pipeline_runs(
        self,
        sort_by: str = "asc:created",
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        pipeline_name: str | None = None,
        name: str | None = None,
        status: str | None = None,
        pipeline: str | None = None,
        pipeline_id: str | None = None,
    ) -> Page[PipelineRunResponse]:
        """Runs, oldest first (``sort_by="desc:created"``: newest first), optionally of one
        pipeline (``pipeline_name``, or ``pipeline``/``pipeline_id`` by name or id), by exact
        run name or by status."""
        from zenml_cli.core.listing import check_paging, paginate
        from zenml_cli.models.run_responses import PipelineRunResponse

        check_paging(page, size)
        if sort_by not in ("created", "asc:created", "desc:created"):
            raise InvalidInputError(
                f"cannot sort runs by {sort_by!r}; use asc:created or desc:created"
            )
        wanted = pipeline_name or self._pipeline_name(pipeline or pipeline_id)
        runs = self.registry.list_runs(wanted)
        runs = [r for r in runs if (name is None or r.name == name)]
        runs = [r for r in runs if (status is None or r.status == status)]
        if sort_by == "desc:created":
            runs.reverse()
        found = paginate(runs, page, size)
        bound = [PipelineRunResponse.bind(run, self.registry) for run in found.items]
        return Page(bound, found.index, found.max_size, found.total)

    def delete_pipeline_run(self, name_or_id: str) -> None:
        """Delete a run record; model versions forget it, the artifacts it made stay."""
        self.registry.delete_run(name_or_id)

    # ------------------------------------------------------------------------- pipelines
    def get_pipeline(self, name_id_or_prefix: Any) -> PipelineResponse:
        """A pipeline that has run at least once, by name or id (or the pipeline object)."""
        from zenml_cli.models.run_responses import PipelineResponse

        name = self._pipeline_name(name_id_or_prefix)
        if name is None or not self.registry.list_runs(name):
            raise NotFoundError(
                f"no pipeline '{name_id_or_prefix}' has run in this project; a pipeline is "
                "known once it has run (see Client().list_pipelines())"
            )
        return PipelineResponse(name, self.registry)

    def list_pipelines(
        self, page: int = 1, size: int = DEFAULT_PAGE_SIZE, name: str | None = None
    ) -> Page[PipelineResponse]:
        """Every pipeline that has run here, by name."""
        from zenml_cli.core.listing import check_paging, paginate
        from zenml_cli.models.run_responses import PipelineResponse

        check_paging(page, size)
        names = sorted({run.pipeline for run in self.registry.list_runs()})
        found = [PipelineResponse(n, self.registry) for n in names if name in (None, n)]
        return paginate(found, page, size)

    def _pipeline_name(self, given: Any) -> str | None:
        """A pipeline name from a name, a pipeline id, or a pipeline object."""
        if given is None:
            return None
        from zenml_cli.models.run_responses import pipeline_id

        text = str(getattr(given, "name", given))
        for known in {run.pipeline for run in self.registry.list_runs()}:
            if text in (known, pipeline_id(known)):
                return known
        return text

    # ------------------------------------------------------------------------- stack
    @property
    def active_stack(self) -> Stack:
        """The one local stack: orchestrator ``local``, the project's artifact store."""
        from zenml_cli.stack import local_stack

        return local_stack(self.registry.environment())

    @property
    def active_stack_model(self) -> Stack:
        return self.active_stack

    def get_stack(self, name_id_or_prefix: Any = None) -> Stack:
        """The local stack (``None`` or its name or id)."""
        from zenml_cli.stack import check_stack_name

        if name_id_or_prefix is not None:
            check_stack_name(name_id_or_prefix)
        return self.active_stack

    def activate_stack(self, stack_name_id_or_prefix: Any) -> None:
        """Accepts the local stack (``"default"``); any other stack is NotFoundError."""
        from zenml_cli.stack import check_stack_name

        check_stack_name(stack_name_id_or_prefix)

    @property
    def active_project(self) -> Project:
        """The project: the folder that holds ``.zenml/``."""
        from zenml_cli.stack import project_of

        return project_of(self.registry.environment())

    @property
    def active_user(self) -> User:
        """Who is acting: ``$ZENML_ACTOR``, else the git or OS user."""
        from zenml_cli.stack import User

        return User(self.registry.environment()["user"])
