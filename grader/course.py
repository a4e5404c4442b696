"""Where the course's files are."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
NOTEBOOKS = REPO / "notebooks"
DATA = REPO / "data"
COURSE_ID = "conv-course"


def assignment_ids() -> list[str]:
    """Assignment ids in course order: the folders of solutions/."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_names(assignment_id: str) -> list[str]:
    """The notebook names (without .ipynb) of one assignment."""
    return sorted(p.stem for p in (SOLUTIONS / assignment_id).glob("*.ipynb"))


def tools_on_path() -> None:
    """nbgrader shells out to `alembic` and jupyter finds kernels by PATH: make the
    running environment's bin/ first, even when the venv is not activated."""
    import os
    import sys

    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
