"""Find and load the files in the course's `data/` folder.

Notebooks run from different depths (released, submitted, autograded folders), so they
never reach `data/` by a relative path: they call `data_path(name)`, which finds the
folder beside this package, or the one named by the CONVCOURSE_DATA environment
variable.
"""
import os
from pathlib import Path

import numpy as np

from .i18n import tr


def data_dir() -> Path:
    """The course's data folder."""
    override = os.environ.get("CONVCOURSE_DATA")
    folder = Path(override) if override else Path(__file__).resolve().parent.parent / "data"
    if not folder.is_dir():
        raise FileNotFoundError(
            tr("The course data folder {folder} does not exist. Set up the course with `./course setup` in its "
               "folder, or set CONVCOURSE_DATA to the data folder.", folder=folder)
        )
    return folder


def data_path(name: str) -> Path:
    """Path of the file `name` in the course's data folder."""
    path = data_dir() / name
    if not path.is_file():
        available = ", ".join(sorted(p.name for p in data_dir().iterdir() if p.is_file()))
        raise FileNotFoundError(tr("No data file named {name!r}. Available: {available}", name=name, available=available))
    return path


def to_gray(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB in [0, 1] -> (H, W) luminance (ITU-R BT.601 weights)."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"to_gray expects an (H, W, 3) RGB image, got shape {image.shape}")
    return image @ np.array([0.299, 0.587, 0.114])


def load_image(name: str = "grace_hopper.jpg", gray: bool = False, size: int | None = None) -> np.ndarray:
    """Load a course image as float64 in [0, 1].

    Returns (H, W, 3), or (H, W) with gray=True (matplotlib's layout). With `size`,
    the image is shrunk by an integer factor so that its longer side is at most `size`
    pixels (block averaging, so no extra dependency is needed).
    """
    import matplotlib.image as mpimg

    image = mpimg.imread(data_path(name))
    image = image.astype(np.float64)
    if image.max() > 1.0:
        image = image / 255.0
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[..., :3]
    if size is not None:
        factor = int(np.ceil(max(image.shape[:2]) / size))
        if factor > 1:
            h, w = image.shape[0] // factor * factor, image.shape[1] // factor * factor
            image = image[:h, :w].reshape(h // factor, factor, w // factor, factor, *image.shape[2:]).mean(axis=(1, 3))
    return to_gray(image) if gray else image


def load_digits(name: str = "digits_train.npz") -> tuple[np.ndarray, np.ndarray]:
    """The handwritten digits of the capstone (notebook 10): (images, labels).

    images : (N, 8, 8) float64, grey levels 0..16 (each pixel counts the ink in a 4x4
        block of a 32x32 bitmap); labels : (N,) int64, the digit 0..9.
    The file shipped to students is the training split; the held-out split that grades
    the capstone stays with the instructors.
    """
    with np.load(data_path(name), allow_pickle=False) as data:
        return data["images"].astype(np.float64), data["labels"].astype(np.int64)
