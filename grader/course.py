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
