"""Code that runs inside the sandbox, next to the student's notebook.

Nothing here is secret: the sandbox sees this folder read-only, and nothing in it may
import the rest of the grader (which the sandbox cannot see). It runs the notebook
(runner) and records what the student's functions return on the hidden cases' inputs
(harness), each call watched for the routines of forbidden.py (watch). Verdicts are made
outside, from that data. One module runs outside, as root: forkserver.py, which starts
each runner in its sandbox with the libraries already imported (it imports nothing of the
grader either); the runner forks its kernel (warm.py).
"""
