"""One of the grader's patches (the others: grader/patches.py), here because the sandbox's
runner needs it too and can import only this folder.

Importing nbformat imports jsonschema's format checkers, which build a URI grammar when
`rfc3987_syntax` is importable: about 2.7 s per process, for an "iri" format that
notebooks and nbgrader never use. `skip_uri_grammar()` makes that import fail, so
jsonschema leaves that one format unchecked; it must run before nbformat is imported.
It first checks, in jsonschema's source (without importing it), that jsonschema still
imports rfc3987_syntax lazily and carries on without it; if not, it patches nothing and
says so on stderr (tests/test_patches.py fails then).
"""
import importlib.util
import os
import sys


def reliance_problem():
    spec = importlib.util.find_spec("jsonschema")
    if spec is None or spec.origin is None:
        return "jsonschema is not installed"
    with open(os.path.join(os.path.dirname(spec.origin), "_format.py"), encoding="utf-8") as fh:
        source = fh.read()
    if "with suppress(ImportError):\n        from rfc3987_syntax import" not in source:
        return "jsonschema/_format.py no longer imports rfc3987_syntax under suppress(ImportError)"
    return None


def warn_not_applied(patch, problem):
    """What every patch of the grader says when the code it stands in for has changed."""
    print(f"grader: not applying {patch} ({problem}); the library's own code runs instead, slower. "
          "See docs/upgrading.md.", file=sys.stderr)


def skip_uri_grammar():
    problem = reliance_problem()
    if problem:
        warn_not_applied("skip_uri_grammar", problem)
        return False
    sys.modules.setdefault("rfc3987_syntax", None)
    return True
