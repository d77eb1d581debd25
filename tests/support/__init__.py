"""Helpers the test suites share (the fixtures themselves live in ``tests/conftest.py``).

``running``: the CLI in process and as the installed script, the store's bytes;
``git``: bare remotes, clones and racing workers; ``branches``: two-branch scenarios;
``ci_runner``: a local GitHub Actions / GitLab CI runner; ``dashboard``: a served site and
its pages; ``sdk``: subprocesses with a project's isolation; ``workers``: bodies of spawned
processes (importable, so ``multiprocessing`` can find them).
"""
