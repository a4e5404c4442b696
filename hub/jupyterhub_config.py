# JupyterHub's configuration for `./course hub` (grader/hub.py starts JupyterHub with it and
# sets the CONV_HUB_* variables it reads). Change nothing here for a course of your own: put
# your settings (a real authenticator, HTTPS, ...) in the local file CONV_HUB_LOCAL_CONFIG
# (default HUB_ROOT/jupyterhub_config.local.py), loaded last (README, "Running a course").
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub

env = os.environ
ROOT = Path(env["CONV_HUB_ROOT"])
VENV_BIN = ROOT / "venv" / "bin"
COURSE = ROOT / "course"
ETC = ROOT / "etc" / "jupyter"          # nbgrader's shared settings: the exchange, the course id
STUDENT_CONFIG = ROOT / "student" / "jupyter-config"   # the bundle's: no formgrader, no create-assignment
STATE = ROOT / "state"
INSTRUCTORS = {n for n in env.get("CONV_HUB_INSTRUCTORS", "").split(",") if n}
STUDENTS = {n for n in env.get("CONV_HUB_STUDENTS", "").split(",") if n}
SANDBOX_SOCKET = ROOT / "run" / "sandbox.sock"

sys.path.insert(0, env["CONV_HUB_REPO"])   # grader.hub: the accounts, made the same way as at start
from grader.hub import GRADERS_GROUP, ensure_user  # noqa: E402

# where users log in; the hub's own API and the proxy's API stay on loopback ports of their own
c.JupyterHub.bind_url = f"http://{env.get('CONV_HUB_IP', '127.0.0.1')}:{env['CONV_HUB_PORT']}/"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env['CONV_HUB_API_PORT']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['CONV_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [str(ROOT / "node" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
# stopping the hub stops the proxy and every user's server (and so their kernels)
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# The demo's accounts: Linux users with passwords (PAM, JupyterHub's default). A real
# authenticator replaces this in the local file; its users get an account at first login.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False       # no login sessions (systemd-logind) for web users
c.Authenticator.allowed_users = INSTRUCTORS | STUDENTS

c.JupyterHub.spawner_class = "localprocess"   # each server runs as its user's own Linux account
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.env_keep = ["LANG", "LC_ALL", "TZ"]  # not the hub's PATH, PYTHONPATH or venv
c.Spawner.environment = {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
                         "JUPYTER_CONFIG_PATH": str(ETC)}
c.Spawner.start_timeout = 120                  # JupyterLab's first start on a busy small machine
c.Spawner.http_timeout = 120


def pre_spawn(spawner):
    """Instructors: the course folder, formgrader, the grader's sandbox. Students: their home,
    the student bundle's JupyterLab settings (the Assignment List and Validate only)."""
    name = spawner.user.name
    instructor = name in INSTRUCTORS
    ensure_user(name, ROOT / "home", (GRADERS_GROUP,) if instructor else ())   # a real authenticator's new user
    environment = dict(spawner.environment)
    if instructor:
        spawner.notebook_dir = str(COURSE)
        # nbgrader reads nbgrader_config.py from the working folder (the spawner makes it the
        # home) and the Jupyter config path: the course folder's own configuration, through the latter
        environment["JUPYTER_CONFIG_PATH"] = f"{COURSE}:{ETC}"
        # the course folder's grader and convcourse first; formgrader grades through the sandbox service
        environment["PYTHONPATH"] = str(COURSE)
        environment["MPLBACKEND"] = "Agg"
        if env.get("CONV_HUB_SANDBOX"):
            environment["CONV_COURSE_SANDBOX"] = str(SANDBOX_SOCKET)
        if env.get("CONV_HUB_DB"):   # ./course hub --db URL: formgrader's and the grader's gradebook
            environment["CONV_COURSE_DB"] = env["CONV_HUB_DB"]
    else:
        spawner.notebook_dir = "~"
        environment["JUPYTER_CONFIG_PATH"] = f"{STUDENT_CONFIG}:{ETC}"
    spawner.environment = environment


c.Spawner.pre_spawn_hook = pre_spawn

# The grader's sandbox (root: it gives each notebook its own uid) for the instructors' formgrader,
# as a service JupyterHub starts, restarts if it dies, and stops with the hub.
if env.get("CONV_HUB_SANDBOX"):
    c.JupyterHub.services = [{
        "name": "grading-sandbox",
        "command": [str(VENV_BIN / "python"), "-m", "grader", "sandbox-service",
                    "--socket", str(SANDBOX_SOCKET), "--group", GRADERS_GROUP],
        "environment": {"PYTHONPATH": str(COURSE), "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin"},
        "cwd": str(COURSE),
    }]

local = Path(env.get("CONV_HUB_LOCAL_CONFIG", ROOT / "jupyterhub_config.local.py"))
if local.exists():
    load_subconfig(str(local))  # noqa: F821 - provided by traitlets
