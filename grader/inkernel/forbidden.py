"""The one list of what a graded function may not call while it is graded (data only).

Read by the profile hook that watches every graded call, in the sandbox and in the
grader's own process (watch.py), and by the static check of the student's code
(grader/static_check.py). Scratch cells, comparisons, plots and timing may use all of
it: only a call made while a graded function runs on a hidden case counts.

Routines are named by the module that defines them, as Python reports it: a Python
function by the file its code comes from (which student code cannot change), a
built-in by its module. Names are dotted module paths; a prefix covers the package.
"""
# Ready-made convolution, whole packages: every function and built-in defined in them.
ROUTINE_PACKAGES = ("scipy.signal", "scipy.ndimage", "numpy.polynomial", "torch", "tensorflow", "jax",
                    "cv2", "skimage")
# Single routines of packages that are otherwise allowed: module -> names. numpy's
# convolve and correlate are Python functions over the built-in correlate/correlate2;
# polymul multiplies polynomials, which is convolution.
ROUTINE_FUNCTIONS = {
    "numpy._core.numeric": ("convolve", "correlate"),
    "numpy._core._multiarray_umath": ("correlate", "correlate2"),
    "numpy.lib._polynomial_impl": ("polymul",),
}
# What students write for them, for messages and the static check's reading of names.
PUBLIC_NAMES = {
    "numpy._core.numeric.convolve": "numpy.convolve",
    "numpy._core.numeric.correlate": "numpy.correlate",
    "numpy._core._multiarray_umath.correlate": "numpy.correlate",
    "numpy._core._multiarray_umath.correlate2": "numpy.correlate",
    "numpy.lib._polynomial_impl.polymul": "numpy.polymul",
}
# Attribute and import names that spell a routine above (np.convolve, signal.convolve2d,
# F.conv2d): what the static check reports as a mention (never charged: see static_check).
ROUTINE_NAMES = ("convolve", "correlate", "polymul", "convolve1d", "correlate1d", "convolve2d",
                 "correlate2d", "fftconvolve", "oaconvolve", "choose_conv_method", "gaussian_filter",
                 "uniform_filter", "maximum_filter", "minimum_filter")

# Routines that would let work escape the hook's sight, or switch the hook off: another
# thread or process (the hook watches the calling thread), the tracing and profiling
# hooks themselves, and walking into the grader's frames or objects. None of them has a
# use inside a convolution.
UNWATCHED = {
    "sys": ("settrace", "setprofile", "gettrace", "getprofile", "_getframe", "_current_frames", "addaudithook"),
    "threading": ("settrace", "setprofile", "settrace_all_threads", "setprofile_all_threads"),
    "_thread": ("start_new_thread", "start_joinable_thread"),
    "posix": ("fork", "forkpty", "system", "posix_spawn", "posix_spawnp", "execv", "execve"),
    "_posixsubprocess": ("fork_exec",),
    "gc": ("get_objects", "get_referrers", "get_referents"),
}
UNWATCHED_NAMES = {f"{module}.{name}" for module, names in UNWATCHED.items() for name in names}
# what the harness records when a thread the notebook started was running beside a
# graded call (the hook cannot watch it)
THREAD_RUNNING = "a thread started by the notebook"

# Modules of the grader itself, as the sandbox's kernel could import them (the harness
# folder is on its path): student code may not import them anywhere in the notebook.
# Every module of this folder, read from the folder itself, so that a new one is covered.
GRADER_MODULES = tuple(sorted(__import__("os").path.splitext(name)[0]
                              for name in __import__("os").listdir(__import__("os").path.dirname(__file__))
                              if name.endswith(".py") and name != "__init__.py")) + ("grader",)
