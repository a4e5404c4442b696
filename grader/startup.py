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
* nbgrader checks each cell's nbgrader metadata with `jsonschema.validate`, which
  first checks the schema itself against its meta-schema, on every call: about 0.25 s
  per graded notebook for a schema that never changes. `check_nbgrader_schema_once()`
  gives nbgrader's metadata validator a `validate` that checks each schema once and
  then validates exactly as `jsonschema.validate` does.
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


def check_nbgrader_schema_once() -> None:
    import types

    import jsonschema
    import nbgrader.nbgraderformat.common as common

    validators: dict = {}

    def validate(instance, schema, cls=None, *args, **kwargs):
        key = (id(schema), cls)
        if key not in validators:
            kind = cls or jsonschema.validators.validator_for(schema)
            kind.check_schema(schema)
            validators[key] = (schema, kind(schema, *args, **kwargs))  # the schema kept: its id stays unique
        error = jsonschema.exceptions.best_match(validators[key][1].iter_errors(instance))
        if error is not None:
            raise error

    # only nbgrader's metadata validator sees this `jsonschema`; nothing else changes
    common.jsonschema = types.SimpleNamespace(validate=validate)
