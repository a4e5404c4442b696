"""Start-up costs nbgrader pays that a grading batch does not need.

Measured on a 2-core machine with the pinned versions:

* importing nbformat imports jsonschema's format checkers, which build a URI grammar
  when `rfc3987_syntax` is importable: about 2.7 s per process, for a "uri" format
  that notebooks and nbgrader never use. `skip_uri_grammar()` makes that import fail
  (jsonschema then leaves that one format unchecked); call it before nbformat loads.
* a new gradebook asks for the head of nbgrader's alembic migrations by running the
  `alembic` command in a subprocess, which imports nbgrader again: about 7 s per new
  gradebook. `alembic_head_in_process()` reads the same head from the same migration
  scripts with alembic's Python API (0.2 s).
"""
from __future__ import annotations

import sys


def skip_uri_grammar() -> None:
    sys.modules.setdefault("rfc3987_syntax", None)


def alembic_head_in_process() -> None:
    import nbgrader.api
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    def get_alembic_version() -> str:
        return ScriptDirectory(ALEMBIC_DIR).get_current_head()

    nbgrader.api.get_alembic_version = get_alembic_version
