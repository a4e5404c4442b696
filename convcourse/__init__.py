"""Student-side helpers for the convolution course.

What lives here is shipped to students with the notebooks: loading the course data,
drawing figures, and small conveniences. It contains no graded function and no
reference solution (the release checks that).
"""
from .data import data_path, load_digits, load_image, to_gray

__all__ = ["data_path", "load_digits", "load_image", "to_gray"]
