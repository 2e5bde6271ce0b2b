"""JupyterHub for the course on one machine: a demo for instructors, and what tests/test_jupyterhub.py starts.

    .venv/bin/jupyterhub -f hub/jupyterhub_config.py      # then open http://127.0.0.1:8000

Log in with any name and the shared password (``COURSE_HUB_PASSWORD``, or the one printed at
start). Each user gets their own Jupyter server, started as the same system user as the hub, with
the course in ``~/course`` and the dashboard as the landing page:
``/user/<name>/voila/render/course/dashboard.ipynb``. The chapter notebooks are at
``/user/<name>/lab/tree/course/notebooks``.

This is for a demo or a test on a trusted machine: every user's server runs as the hub's own
system user and they can read each other's files. For a class, use Kubernetes (``z2jh-values.yaml``
in this folder and docs/jupyterhub.md) or a hub with real system users.

Settings (environment variables, all optional):

- ``COURSE_HUB_PORT``: the port students open (default 8000); the hub's API and the proxy's API
  use ``COURSE_HUB_API_PORT`` (8081) and ``COURSE_PROXY_API_PORT`` (8001). Everything binds 127.0.0.1.
- ``COURSE_HUB_STATE``: the folder for the database, the cookie secret, the pid files and the users'
  homes (default: a new temporary folder, so every start is fresh).
- ``COURSE_HUB_PASSWORD``: the shared password (8 characters or more; default: a random one, printed).

The single-user servers read ``singleuser/jupyter_server_config.json`` (the dashboard's Voila safety
settings and template, and idle-kernel culling; the Kubernetes values file mounts the same settings);
``JUPYTER_PATH`` points them at the course's Voila template (``course_lib/voila_page``).
"""

import importlib.util
import os
import secrets
import sys
import tempfile
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub provides get_config in its config files

HUB = Path(__file__).resolve().parent
REPO = HUB.parent


def _port(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip() or str(default)
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise SystemExit(f"{name} must be a port number from 1 to 65535; got {text!r}")
    return int(text)


def _load_prepare_home():
    spec = importlib.util.spec_from_file_location("course_prepare_home", HUB / "prepare_home.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


state = Path(os.environ.get("COURSE_HUB_STATE", "").strip() or tempfile.mkdtemp(prefix="course-hub-"))
state.mkdir(parents=True, exist_ok=True)
os.environ["COURSE_HUB_STATE"] = str(state)  # passed on to the single-user servers (env_keep below)
prepare = _load_prepare_home()

# --- Network: loopback only ------------------------------------------------------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{_port('COURSE_HUB_PORT', 8000)}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{_port('COURSE_HUB_API_PORT', 8081)}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_port('COURSE_PROXY_API_PORT', 8001)}"
# The proxy comes from npm (package.json at the repository root: `npm ci`), else from PATH.
local_proxy = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(local_proxy) if local_proxy.exists() else "configurable-http-proxy"]
c.ConfigurableHTTPProxy.auth_token = secrets.token_hex(32)
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")

# --- State: one folder, nothing in the working directory --------------------------------------
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server (and their kernels)

# --- Log in: any name, one shared password ---------------------------------------------------
# SharedPasswordAuthenticator is JupyterHub's successor of DummyAuthenticator's `password`
# (deprecated in JupyterHub 5.3): any user name, one password for all.
password = os.environ.get("COURSE_HUB_PASSWORD", "").strip()
if not password:
    password = secrets.token_urlsafe(9)
    print(f"Course hub: log in with any user name and the password {password}", file=sys.stderr)
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = password
c.Authenticator.allow_all = True

# --- One Jupyter server per user, in its own home under the state folder ----------------------
c.JupyterHub.spawner_class = "simple"  # SimpleLocalProcessSpawner: no system user needed
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
c.Spawner.notebook_dir = str(state / "home" / "{username}")
c.Spawner.default_url = prepare.DASHBOARD_URL
# The same Python (and so the same course_lib, Voila and kernels) as the hub.
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
# The servers' settings file, and the course's Voila template (the page asks no CDN for its icons).
course_lib_spec = importlib.util.find_spec("course_lib")  # the installed course, which the kernels import
course_lib_dir = Path(course_lib_spec.origin).parent if course_lib_spec else REPO / "course_lib"
c.Spawner.environment = {"JUPYTER_CONFIG_PATH": str(HUB / "singleuser"),
                         "JUPYTER_PATH": str(course_lib_dir / "voila_page")}
# What the course reads from the environment (MNIST's location, offline mode, Keras) reaches the servers.
c.Spawner.env_keep.extend(["COURSE_HUB_STATE", "COURSE_MNIST_PATH", "COURSE_OFFLINE", "KERAS_BACKEND",
                           "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS"])
# A busy machine can take a while to start a server (60 s is JupyterHub's default).
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def put_course_in_home(spawner):
    """Before a user's server starts: ~/course with the dashboard and the chapter notebooks."""
    prepare.prepare_home(spawner.home_dir, REPO)


c.Spawner.pre_spawn_hook = put_course_in_home
