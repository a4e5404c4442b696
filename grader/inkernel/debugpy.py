"""Not the debugger: in the sandbox this folder comes first on the path, so `import debugpy`
fails there and ipykernel starts without its debugger, which nobody attaches to a graded
notebook (importing debugpy costs a kernel about 0.1 s). ipykernel carries on without it
(`_is_debugpy_available = False`); tests/test_patches.py checks that it still does."""
raise ImportError("the debugger is not available while grading")
