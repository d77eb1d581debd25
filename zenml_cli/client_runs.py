"""The part of ``Client`` about pipelines, runs and the local stack (ZenML's names).

``Client`` inherits these; they use its ``registry`` like every other method.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.core.listing import DEFAULT_PAGE_SIZE, Page
from zenml_cli.errors import NotFoundError

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
        from zenml_cli.models.run_responses import PipelineRunResponse

        given = pipeline or pipeline_id
        wanted = pipeline_name or (self._pipeline_name(given) if given is not None else None)
        found = self.registry.list_runs(
            wanted, name=name, status=status, sort_by=sort_by, page=page, size=size
        )
        bound = [PipelineRunResponse.bind(run, self.registry) for run in found]
        return Page(bound, found.index, found.max_size, found.total)

    def delete_pipeline_run(self, name_or_id: str) -> None:
        """Delete a run record; model versions forget it, the artifacts it made stay."""
        self.registry.delete_run(name_or_id)

    # ------------------------------------------------------------------------- pipelines
    def get_pipeline(self, name_id_or_prefix: Any) -> PipelineResponse:
        """A pipeline that has run at least once, by name or id (or the pipeline object)."""
        from zenml_cli.models.run_responses import PipelineResponse

        name = self._pipeline_name(name_id_or_prefix)
        if self.registry.list_pipelines(name, size=1).total == 0:
            raise NotFoundError(
                f"no pipeline '{name_id_or_prefix}' has run in this project; a pipeline is "
                "known once it has run (see Client().list_pipelines())"
            )
        return PipelineResponse(name, self.registry)

    def list_pipelines(
        self, page: int = 1, size: int = DEFAULT_PAGE_SIZE, name: str | None = None
    ) -> Page[PipelineResponse]:
        """Every pipeline that has run here, by name."""
        from zenml_cli.models.run_responses import PipelineResponse

        found = self.registry.list_pipelines(name, page, size)
        named = [PipelineResponse(name, self.registry) for name in found]
        return Page(named, found.index, found.max_size, found.total)

    def _pipeline_name(self, given: Any) -> str:
        """A pipeline name from a name, a pipeline id, or a pipeline object."""
        return self.registry.pipeline_name(str(getattr(given, "name", given)))

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
