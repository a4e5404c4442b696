"""Every patch of nbgrader's and its libraries' internals, in one place.

They save start-up costs that a grading batch does not need. They are applied only in
the grader's own processes (`python -m grader` and the release and autograde functions it
calls), never on `import grader`: nbval's kernels and a Jupyter server that reads
nbgrader_config.py run nbgrader as shipped.

Each patch first checks that the code it stands in for is still what it was written
against (`reliance_problem()`). If an upgrade of the pins changed it, the patch is not
applied, nbgrader's own code runs (slower, never wrong), the grader says so on stderr,
and tests/test_patches.py fails naming the patch. docs/upgrading.md says what to recheck.

Measured on a 2-core machine with the pinned versions:

* `skip_uri_grammar` (defined in grader/inkernel/uri_grammar.py, because the sandbox's
  notebook runner applies it too): importing nbformat imports jsonschema's format
  checkers, which build a URI grammar when `rfc3987_syntax` is importable: about 2.7 s per
  process, for an "iri" format that notebooks and nbgrader never use. The patch makes that
  import fail, so jsonschema leaves that one format unchecked. It must run before nbformat
  is imported.
* `alembic_head_in_process`: a new gradebook asks for the head of nbgrader's alembic
  migrations by running the `alembic` command in a subprocess, which imports nbgrader
  again: about 7 s per new gradebook. The patch reads the same head from the same
  migration scripts with alembic's Python API (0.2 s).
* `check_nbgrader_schema_once`: nbgrader checks each cell's nbgrader metadata with
  `jsonschema.validate`, which first checks the schema itself against its meta-schema, on
  every call: about 0.25 s per graded notebook. The patch gives nbgrader's metadata
  validator a `jsonschema` whose `validate` builds one validator per schema (keyed by the
  schema's content, a few kept) and then validates exactly as `jsonschema.validate` does.
"""
from __future__ import annotations

import functools
import inspect
import json
import types

# skip_uri_grammar lives beside the sandbox's runner, which applies it too
from .inkernel.uri_grammar import reliance_problem as uri_grammar_reliance_problem  # noqa: F401
from .inkernel.uri_grammar import skip_uri_grammar  # noqa: F401
from .inkernel.uri_grammar import warn_not_applied as _warn


# --------------------------------------------------------------------------------------
# alembic_head_in_process

def alembic_reliance_problem() -> str | None:
    """nbgrader's Gradebook asks `nbgrader.api.get_alembic_version()` for the head."""
    import nbgrader.api

    if not callable(getattr(nbgrader.api, "get_alembic_version", None)):
        return "nbgrader.api has no get_alembic_version"
    if "get_alembic_version()" not in inspect.getsource(nbgrader.api.Gradebook.__init__):
        return "nbgrader's Gradebook no longer calls get_alembic_version()"
    return None


def alembic_head_in_process() -> bool:
    import nbgrader.api

    if getattr(nbgrader.api.get_alembic_version, "_grader_patch", False):
        return True
    problem = alembic_reliance_problem()
    if problem:
        _warn("alembic_head_in_process", problem)
        return False
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    def get_alembic_version() -> str:
        return ScriptDirectory(ALEMBIC_DIR).get_current_head()

    get_alembic_version._grader_patch = True
    nbgrader.api.get_alembic_version = get_alembic_version
    return True


# --------------------------------------------------------------------------------------
# check_nbgrader_schema_once

def schema_reliance_problem() -> str | None:
    """nbgrader's metadata validator calls the module-level `jsonschema.validate` of
    nbgrader.nbgraderformat.common, and nothing else of jsonschema through that name."""
    import jsonschema
    import nbgrader.nbgraderformat.common as common

    if common.jsonschema is not jsonschema and not isinstance(common.jsonschema, _JsonschemaOnce):
        return "nbgrader.nbgraderformat.common.jsonschema is not the jsonschema module"
    source = inspect.getsource(common)
    uses = {line.strip() for line in source.splitlines() if "jsonschema." in line and "import" not in line}
    if uses != {"jsonschema.validate(cell.metadata['nbgrader'], self.schema)"}:
        return f"nbgrader's metadata validator uses jsonschema differently: {sorted(uses)}"
    return None


@functools.lru_cache(maxsize=8)
def _validator(schema_text: str, cls):
    import jsonschema

    schema = json.loads(schema_text)
    kind = cls or jsonschema.validators.validator_for(schema)
    kind.check_schema(schema)
    return kind(schema)


def validate_once(instance, schema, cls=None):
    """`jsonschema.validate(instance, schema, cls)`, with the schema checked and its
    validator built once per distinct schema content."""
    import jsonschema

    validator = _validator(json.dumps(schema, sort_keys=True), cls)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


class _JsonschemaOnce(types.ModuleType):
    """jsonschema as nbgrader's metadata validator sees it: the module itself, but for
    `validate`."""

    def __init__(self, module):
        super().__init__(module.__name__, module.__doc__)
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)

    validate = staticmethod(validate_once)


def check_nbgrader_schema_once() -> bool:
    import jsonschema
    import nbgrader.nbgraderformat.common as common

    if isinstance(common.jsonschema, _JsonschemaOnce):
        return True
    problem = schema_reliance_problem()
    if problem:
        _warn("check_nbgrader_schema_once", problem)
        return False
    common.jsonschema = _JsonschemaOnce(jsonschema)
    return True


def for_grading() -> None:
    """What release and autograde apply (skip_uri_grammar comes earlier: grader/__main__.py)."""
    alembic_head_in_process()
    check_nbgrader_schema_once()
