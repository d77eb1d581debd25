"""The dashboard: a static, self-contained catalogue of the registry (``zenml dashboard build``)
and the same pages served live (``zenml dashboard serve``).

``data`` is the only module here that reads the registry; ``pages``, ``chart``, ``timeline``
and ``markup`` turn its dataclasses into HTML; ``site`` lays the pages out as files or routes;
``serve`` is the read-only HTTP server.
"""
