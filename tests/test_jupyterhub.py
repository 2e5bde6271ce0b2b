"""The course on JupyterHub: the one-machine hub of ``hub/`` serves the dashboard to two users at once.

The hub (``hub/jupyterhub_config.py``: local processes, a shared password, the proxy from npm,
everything on 127.0.0.1) starts once for the module. Two users log in at the same time, each gets
their own server and opens ``/user/<name>/voila/render/course/dashboard.ipynb``; the test then speaks
the page's own protocol (kernel websocket, v1 subprotocol, widget messages): the widget state arrives,
and moving the transform lab's rotation slider redraws that user's picture and nobody else's. A
browser test does the same in Chromium, starting from the login form. At the end, stopping the hub
must stop every process it started (proxy, servers, kernels); the fixture kills any that remain
either way, so a failing test leaves nothing behind.

The Kubernetes values file (``hub/z2jh-values.yaml``) is checked for structure: keys the Zero to
JupyterHub chart knows, sane resources, and the same single-user settings as the local hub.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.chromium import CHANGED, PIXELS, launch

REPO = Path(__file__).resolve().parents[1]
HUB = REPO / "hub"
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
VALUES = HUB / "z2jh-values.yaml"
SINGLEUSER_CONFIG = HUB / "singleuser" / "jupyter_server_config.json"
DOCS = REPO / "docs" / "jupyterhub.md"
IMAGE_REPO_DIR = "/srv/course"
PASSWORD = "a-class-of-two"  # noqa: S105 - the test hub's shared password, loopback only
USERS = ("ada", "grace")
DASHBOARD = "voila/render/course/dashboard.ipynb"
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
TABS = ["Transform lab", "Composition & relu", "Uncrumpling", "Gradient descent", "Momentum", "Graph stepper",
        "MNIST explorer", "Check yourself"]
PNG = b"\x89PNG\r\n\x1a\n"


def load_hub_script(name: str):
    """A script of hub/ as a module (hub/ is not a package: the scripts run on their own in the image)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"course_hub_{name}", HUB / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_prepare_home():
    return load_hub_script("prepare_home")


# --- prepare_home: what every user finds in their home ----------------------------------------

def test_prepare_home_puts_the_dashboard_and_the_chapters_in_course(tmp_path):
    prepare = load_prepare_home()
    written = prepare.prepare_home(tmp_path)
    course = tmp_path / "course"
    assert (course / "dashboard.ipynb").read_bytes() == (REPO / "course_lib" / "dashboard.ipynb").read_bytes()
    chapters = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in (course / "notebooks").iterdir()) == chapters and len(chapters) == 6
    assert len(written) == 1 + len(chapters)
    assert prepare.DASHBOARD_URL == f"/{DASHBOARD}"


def test_prepare_home_keeps_a_students_work_and_refreshes_the_dashboard(tmp_path):
    prepare = load_prepare_home()
    prepare.prepare_home(tmp_path)
    mine = tmp_path / "course" / "notebooks" / "02_data_representations.ipynb"
    mine.write_text("my own work", encoding="utf-8")
    (tmp_path / "course" / "dashboard.ipynb").write_text("stale", encoding="utf-8")
    written = prepare.prepare_home(tmp_path)
    assert mine.read_text(encoding="utf-8") == "my own work"
    assert written == [tmp_path / "course" / "dashboard.ipynb"]
    assert json.loads((tmp_path / "course" / "dashboard.ipynb").read_text(encoding="utf-8"))["cells"]


def test_prepare_home_says_what_it_needs(tmp_path):
    prepare = load_prepare_home()
    with pytest.raises(FileNotFoundError, match="source must be a copy of the course repository"):
        prepare.prepare_home(tmp_path / "home", source=tmp_path)


# --- The nbgitpuller link -----------------------------------------------------------------------

def query_of(link: str) -> dict:
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull", parts.path
    return {key: value for key, (value,) in parse_qs(parts.query, strict_parsing=True).items()}


@pytest.mark.parametrize(("target", "urlpath", "file"), [
    ("dashboard", "voila/render/building-blocks/course_lib/dashboard.ipynb", "course_lib/dashboard.ipynb"),
    ("notebooks", "lab/tree/building-blocks/notebooks", "notebooks"),
    ("04", "lab/tree/building-blocks/notebooks/04_geometry_of_tensor_operations.ipynb",
     "notebooks/04_geometry_of_tensor_operations.ipynb"),
])
def test_gitpuller_link_opens_a_page_that_exists_in_the_clone(target, urlpath, file):
    links = load_hub_script("gitpuller_link")
    query = query_of(links.gitpuller_link("https://hub.example.org/", target))
    assert query == {"repo": "https://github.com/open-dl-course/building-blocks", "urlpath": urlpath, "branch": "main"}
    # nbgitpuller clones into a folder named after the repository; the page is that folder plus a path in it.
    assert (REPO / file).exists() and urlpath.endswith(f"building-blocks/{file}")


def test_gitpuller_link_refuses_what_it_cannot_build():
    links = load_hub_script("gitpuller_link")
    with pytest.raises(ValueError, match="hub_url must be the hub's address"):
        links.gitpuller_link("hub.example.org")
    with pytest.raises(ValueError, match="chapter number from 01 to 06; got '07'"):
        links.gitpuller_link("https://hub.example.org", "07")


def test_the_docs_show_the_links_the_script_builds():
    links = load_hub_script("gitpuller_link")
    docs = DOCS.read_text(encoding="utf-8")
    assert links.gitpuller_link("https://hub.example.org", "dashboard") in docs
    for target in ("dashboard", "notebooks", "04"):
        assert f"`{query_of(links.gitpuller_link('https://hub.example.org', target))['urlpath']}`" in docs
    assert "/user/<name>/voila/render/course/dashboard.ipynb" in docs


# --- The Zero to JupyterHub values file -------------------------------------------------------

#: The keys of the Zero to JupyterHub chart (4.x, values.yaml of chart 4.4.0) under the sections
#: the course's values file uses. Helm itself validates against the chart's full schema.
Z2JH_KEYS = {
    "hub": {"activeServerLimit", "allowNamedServers", "annotations", "args", "authenticatePrometheus", "baseUrl",
            "command", "concurrentSpawnLimit", "config", "consecutiveFailureLimit", "containerSecurityContext",
            "cookieSecret", "db", "deploymentStrategy", "existingSecret", "extraConfig", "extraContainers",
            "extraEnv", "extraFiles", "extraPodSpec", "extraVolumeMounts", "extraVolumes", "image",
            "initContainers", "labels", "lifecycle", "livenessProbe", "loadRoles", "namedServerLimitPerUser",
            "networkPolicy", "nodeSelector", "pdb", "podSecurityContext", "readinessProbe", "redirectToServer",
            "resources", "revisionHistoryLimit", "service", "serviceAccount", "services", "shutdownOnLogout",
            "templatePaths", "templateVars", "tolerations"},
    "proxy": {"annotations", "chp", "deploymentStrategy", "https", "labels", "secretSync", "secretToken", "service",
              "traefik"},
    "singleuser": {"allowPrivilegeEscalation", "cloudMetadata", "cmd", "cpu", "defaultUrl", "events",
                   "extraAnnotations", "extraContainers", "extraEnv", "extraFiles", "extraLabels",
                   "extraNodeAffinity", "extraPodAffinity", "extraPodAntiAffinity", "extraPodConfig",
                   "extraResource", "extraTolerations", "fsGid", "image", "initContainers", "lifecycleHooks",
                   "memory", "networkPolicy", "networkTools", "nodeSelector", "podNameTemplate", "profileList",
                   "serviceAccountName", "startTimeout", "storage", "uid"},
    "cull": {"adminUsers", "concurrency", "enabled", "every", "maxAge", "removeNamedServers", "timeout", "users"},
    "prePuller": {"annotations", "containerSecurityContext", "continuous", "extraImages", "extraTolerations", "hook",
                  "labels", "pause", "pullProfileListImages", "resources", "revisionHistoryLimit"},
    "scheduling": {"corePods", "podPriority", "userPlaceholder", "userPods", "userScheduler"},
}
Z2JH_SUBKEYS = {
    ("singleuser", "image"): {"name", "tag", "pullPolicy", "pullSecrets"},
    ("singleuser", "cpu"): {"limit", "guarantee"},
    ("singleuser", "memory"): {"limit", "guarantee"},
    ("singleuser", "storage"): {"capacity", "dynamic", "extraLabels", "extraVolumeMounts", "extraVolumes",
                                "homeMountPath", "static", "type"},
    ("prePuller", "hook"): {"containerSecurityContext", "daemonsetAnnotations", "enabled", "image", "nodeSelector",
                            "podSchedulingWaitDuration", "pullOnlyOnChanges", "resources", "serviceAccount",
                            "serviceAccountImagePuller", "tolerations"},
    ("prePuller", "continuous"): {"daemonsetAnnotations", "enabled", "serviceAccount"},
    ("scheduling", "userScheduler"): {"annotations", "containerSecurityContext", "enabled", "extraPodSpec", "image",
                                      "labels", "logLevel", "nodeSelector", "pdb", "pluginConfig", "plugins",
                                      "replicas", "resources", "revisionHistoryLimit", "serviceAccount",
                                      "tolerations"},
    ("scheduling", "podPriority"): {"defaultPriority", "enabled", "globalDefault", "imagePullerPriority",
                                    "userPlaceholderPriority"},
    ("scheduling", "userPlaceholder"): {"annotations", "containerSecurityContext", "enabled", "extraPodSpec", "image",
                                        "labels", "replicas", "resources", "revisionHistoryLimit"},
}
MEMORY = re.compile(r"^(\d+(?:\.\d+)?)([KMGT]i?)?$")
UNITS = {None: 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def bytes_of(quantity) -> float:
    match = MEMORY.match(str(quantity))
    assert match, f"memory must be a Kubernetes quantity like 1G or 512M; got {quantity!r}"
    return float(match.group(1)) * UNITS[match.group(2)]


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def test_values_use_only_keys_the_chart_knows(values):
    assert isinstance(values, dict) and set(values) <= set(Z2JH_KEYS), set(values) - set(Z2JH_KEYS)
    for section, content in values.items():
        assert isinstance(content, dict), f"{section} must be a mapping"
        assert set(content) <= Z2JH_KEYS[section], f"{section}: unknown keys {set(content) - Z2JH_KEYS[section]}"
    for (section, key), known in Z2JH_SUBKEYS.items():
        content = values.get(section, {}).get(key, {})
        assert isinstance(content, dict) and set(content) <= known, f"{section}.{key}: unknown keys"


def test_values_run_the_course_image_and_land_on_the_dashboard(values):
    singleuser = values["singleuser"]
    assert singleuser["image"]["name"] and str(singleuser["image"]["tag"])
    assert singleuser["defaultUrl"] == f"/{DASHBOARD}"
    assert singleuser["cmd"] == "jupyterhub-singleuser"
    start = singleuser["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert isinstance(start, list) and all(isinstance(part, str) for part in start)
    # No shell needed; the script is where repo2docker copies the repository (--target-repo-dir, as documented).
    assert start == ["python", f"{IMAGE_REPO_DIR}/hub/prepare_home.py"]
    assert f"--target-repo-dir {IMAGE_REPO_DIR}" in DOCS.read_text(encoding="utf-8")
    # MNIST is read from the image, where the appendix put it.
    appendix = (HUB / "image-appendix.Dockerfile").read_text(encoding="utf-8")
    assert f"KERAS_HOME={IMAGE_REPO_DIR}/.keras python -m course_lib.data --ensure" in appendix
    assert singleuser["extraEnv"]["COURSE_MNIST_PATH"] == f"{IMAGE_REPO_DIR}/.keras/datasets/mnist.npz"


def test_values_mount_the_same_singleuser_settings_as_the_local_hub(values):
    files = values["singleuser"]["extraFiles"]
    (settings,) = [f for f in files.values() if f["mountPath"].endswith("/jupyter_server_config.json")]
    assert settings["data"] == json.loads(SINGLEUSER_CONFIG.read_text(encoding="utf-8"))
    from course_lib.dashboard_server import TEMPLATE_NAME

    assert settings["data"]["VoilaConfiguration"] == {"strip_sources": True, "show_tracebacks": False,
                                                      "template": TEMPLATE_NAME}
    # The template is found through JUPYTER_PATH, in course_lib as repo2docker installs it.
    template_root = values["singleuser"]["extraEnv"]["JUPYTER_PATH"]
    assert template_root == f"{IMAGE_REPO_DIR}/course_lib/voila_page"
    assert (REPO / template_root.removeprefix(f"{IMAGE_REPO_DIR}/") / "voila" / "templates" / TEMPLATE_NAME).is_dir()


def test_values_size_memory_and_cpu_from_the_measurements(values):
    memory, cpu = values["singleuser"]["memory"], values["singleuser"]["cpu"]
    from course_lib.dashboard import KERNEL_MEMORY_MB

    # A server (about 150 MB) with the dashboard's kernel must fit in the guarantee ...
    assert bytes_of(memory["guarantee"]) >= (150 + KERNEL_MEMORY_MB) * 1e6
    # ... and a chapter notebook training with TensorFlow beside it in the limit.
    assert bytes_of(memory["limit"]) >= 2 * bytes_of(memory["guarantee"]) and bytes_of(memory["limit"]) >= 1.5e9
    assert 0 < float(cpu["guarantee"]) <= float(cpu["limit"])


def test_values_cull_idle_servers_and_need_a_real_login(values):
    cull = values["cull"]
    assert cull["enabled"] is True and 600 <= cull["timeout"] <= 4 * 3600 and cull["every"] <= cull["timeout"]
    hub_config = values["hub"]["config"]
    # Never the chart's default DummyAuthenticator (anyone, any password).
    assert hub_config["JupyterHub"]["authenticator_class"] not in ("dummy", "jupyterhub.auth.DummyAuthenticator")


# --- A running hub ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_of(state: Path) -> list:
    """Every process started for this hub: they all carry COURSE_HUB_STATE=<state> in their environment."""
    import psutil

    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("COURSE_HUB_STATE") == str(state):
                found.append(process)
        except (psutil.Error, OSError):
            continue  # gone, a zombie, or another user's
    return found


class Hub:
    """The hub of ``hub/jupyterhub_config.py`` on free loopback ports, with its state in ``state``."""

    def __init__(self, state: Path):
        self.state = state
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = state / "hub.log"
        env = {**os.environ, "COURSE_HUB_STATE": str(state), "COURSE_HUB_PORT": str(self.port),
               "COURSE_HUB_API_PORT": str(free_port()), "COURSE_PROXY_API_PORT": str(free_port()),
               "COURSE_HUB_PASSWORD": PASSWORD, "COURSE_OFFLINE": "1"}
        with open(self.log, "wb") as log:
            command = [sys.executable, "-m", "jupyterhub", "-f", str(HUB / "jupyterhub_config.py")]
            self.process = subprocess.Popen(command, cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def wait_until_up(self, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/login", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet, or too busy starting to answer
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 30) -> None:
        """Stop the hub as an administrator would (SIGTERM: it stops the servers and the proxy), bounded in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        deadline = time.monotonic() + 10  # the servers' kernels finish shutting down just after
        while processes_of(self.state) and time.monotonic() < deadline:
            time.sleep(0.2)

    def kill_everything(self) -> None:
        """Whatever is still running for this hub, killed (the fixture's last word, even after a failure)."""
        import psutil

        if self.process.poll() is None:
            self.process.kill()
        left = processes_of(self.state)
        for process in left:
            try:
                process.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(left, timeout=10)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if shutil.which("node") is None or not PROXY.exists():
        message = (f"configurable-http-proxy is not installed at {PROXY}: run `npm ci` in the repository "
                   "(`make test` does it).")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pytest.importorskip("jupyterhub", reason="jupyterhub is in requirements/test.txt")
    running = Hub(tmp_path_factory.mktemp("hub"))
    try:
        running.wait_until_up()
        yield running
    finally:
        running.stop()
        running.kill_everything()


def log_in(hub: Hub, name: str, password: str = PASSWORD):
    """A requests session logged in to the hub through its login form (which also starts the user's server)."""
    import requests

    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=10).raise_for_status()
    form = {"username": name, "password": password, "_xsrf": session.cookies.get("_xsrf", path="/hub/")}
    answer = session.post(f"{hub.url}/hub/login", data=form, timeout=30)
    return session, answer


def open_dashboard(hub: Hub, session, name: str, timeout: float = 150):
    """GET the user's dashboard, waiting (bounded) while their server starts; the final response."""
    url = f"{hub.url}/user/{name}/{DASHBOARD}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = session.get(url, timeout=120)
        if page.url.split("?")[0] == url:  # the hub adds ?redirects=1 if it was asked just before the proxy knew
            return page
        assert "/hub/spawn-pending/" in page.url, f"unexpected page {page.url} ({page.status_code}):\n{hub.log_tail()}"
        time.sleep(0.5)
    raise AssertionError(f"{name}'s server did not start within {timeout} s:\n{hub.log_tail()}")


class KernelClient:
    """The page's side of the kernel websocket, v1 protocol: send widget messages, read the replies."""

    def __init__(self, hub: Hub, session, name: str, kernel_id: str):
        import websocket

        self.session_id, self.name = uuid.uuid4().hex, name
        cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies if c.path in ("/", f"/user/{name}/"))
        url = f"ws://127.0.0.1:{hub.port}/user/{name}/api/kernels/{kernel_id}/channels?session_id={self.session_id}"
        self.ws = websocket.create_connection(url, subprotocols=[V1_PROTOCOL], cookie=cookies, timeout=30)

    def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": self.session_id,
                  "username": self.name, "version": "5.3", "date": ""}
        parts = [json.dumps(part).encode() for part in (header, {}, metadata or {}, content)]
        self.ws.send_binary(serialize_msg_to_ws_v1(parts, "shell"))

    def wait_for(self, accept, timeout: float = 60):
        """The first (header, content, buffers) on iopub for which ``accept`` is true, within ``timeout`` s."""
        from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self.ws.settimeout(left)
            channel, parts = deserialize_msg_from_ws_v1(self.ws.recv())
            header, _, _, content = (json.loads(part) for part in parts[:4])
            if channel == "iopub" and accept(header, content):
                return header, content, [bytes(b) for b in parts[4:]]
        raise AssertionError(f"no matching kernel message within {timeout} s")

    def widget_states(self):
        """Ask for every widget's state, as the page's widget manager does when it loads."""
        comm_id = uuid.uuid4().hex
        self.send("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
                  metadata={"version": "1.0.0"})
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        _, content, buffers = self.wait_for(lambda h, c: h["msg_type"] == "comm_msg"
                                            and c["data"].get("method") == "update_states")
        data = content["data"]
        values = {tuple(path): buffer for path, buffer in zip(data.get("buffer_paths", []), buffers)}
        return data["states"], values

    def close(self) -> None:
        self.ws.close()


def use_the_dashboard(hub: Hub, name: str) -> dict:
    """One user: log in, open the dashboard, get the widget state, turn the rotation slider; what happened."""
    session, login = log_in(hub, name)
    assert login.status_code == 200, login.status_code
    started = time.monotonic()
    page = open_dashboard(hub, session, name)
    seen = {"status": page.status_code, "html": page.text, "page_s": time.monotonic() - started}
    seen["kernel_id"] = re.search(r'"kernelId": "([0-9a-f-]{36})"', page.text).group(1)
    model_id = re.search(r'"model_id": "([0-9a-f]{32})"', page.text).group(1)
    client = KernelClient(hub, session, name, seen["kernel_id"])
    try:
        states, buffers = client.widget_states()
        seen["page_model"] = states.get(model_id, {}).get("model_name")
        seen["tabs"] = [s["state"].get("titles") for s in states.values() if s["model_name"] == "TabModel"]
        (slider,) = [k for k, s in states.items() if s["model_name"] == "FloatSliderModel"
                     and s["state"].get("description", "").startswith("rotate")]
        pictures = {key[0]: value for key, value in buffers.items()
                    if key[1:] == ("state", "value") and value.startswith(PNG)}
        seen["pictures"] = len(pictures)
        # The browser's slider sends exactly this when it is dragged to 30 degrees.
        client.send("comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"value": 30.0},
                                                             "buffer_paths": []}})
        header, content, new = client.wait_for(lambda h, c: h["msg_type"] == "comm_msg"
                                               and c["comm_id"] in pictures and c["data"].get("method") == "update"
                                               and ["value"] in c["data"].get("buffer_paths", []))
        seen["redrawn"] = new[0].startswith(PNG) and new[0] != pictures[content["comm_id"]]
    finally:
        client.close()
    seen["session"] = session
    return seen


@pytest.fixture(scope="module")
def two_users(hub):
    """Both users at the same time, each in their own thread, from login to a redrawn picture."""
    with ThreadPoolExecutor(len(USERS)) as pool:
        results = dict(zip(USERS, pool.map(lambda name: use_the_dashboard(hub, name), USERS)))
    return results


@pytest.mark.server
def test_two_users_each_get_a_working_dashboard_at_the_same_time(two_users):
    for name, seen in two_users.items():
        assert seen["status"] == 200, name
        assert seen["page_model"] == "VBoxModel", f"{name}: the page's widget is not in the kernel's state"
        assert seen["tabs"] == [TABS], name
        assert seen["pictures"] >= 1 and seen["redrawn"], f"{name}: the slider did not redraw the picture"
    assert two_users["ada"]["kernel_id"] != two_users["grace"]["kernel_id"]


@pytest.mark.server
def test_the_page_shows_no_code_and_no_traceback(two_users):
    html = two_users["ada"]["html"]
    assert "build_dashboard" not in html and "from course_lib" not in html
    assert "Traceback" not in html and str(REPO) not in html


@pytest.mark.server
def test_the_servers_use_the_course_settings_and_hide_a_failing_cells_details(hub, two_users):
    import nbformat

    # The single-user settings file was read: its kernel culling is on (the servers log into the hub's log).
    assert "Culling kernels with idle durations > 1200 seconds" in hub.log.read_text(encoding="utf-8")
    broken = hub.state / "home" / "grace" / "course" / "broken.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise RuntimeError('secret-detail-42')")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, broken)
    page = two_users["grace"]["session"].get(f"{hub.url}/user/grace/voila/render/course/broken.ipynb", timeout=60)
    assert page.url.endswith("/course/broken.ipynb")
    assert "secret-detail-42" not in page.text and "raise RuntimeError" not in page.text
    assert "Traceback" not in page.text
    assert "There was an error when executing cell" in page.text


@pytest.mark.server
def test_the_hub_sends_a_links_urlpath_to_the_students_own_server(hub, two_users):
    """What nbgitpuller does after its pull, without it: the hub's user-redirect, then the cloned dashboard."""
    links = load_hub_script("gitpuller_link")
    urlpath = query_of(links.gitpuller_link(hub.url, "dashboard"))["urlpath"]
    clone = hub.state / "home" / "ada" / "building-blocks" / "course_lib"  # as nbgitpuller's clone leaves it
    clone.mkdir(parents=True)
    shutil.copyfile(REPO / "course_lib" / "dashboard.ipynb", clone / "dashboard.ipynb")
    page = two_users["ada"]["session"].get(f"{hub.url}/hub/user-redirect/{urlpath}", timeout=60)
    assert page.status_code == 200 and page.url == f"{hub.url}/user/ada/{urlpath}"
    assert re.search(r'"kernelId": "[0-9a-f-]{36}"', page.text) and '"model_id"' in page.text


@pytest.mark.server
def test_each_user_has_their_own_server_and_no_one_elses(hub, two_users):
    import requests

    ada = two_users["ada"]["session"]
    own = ada.get(f"{hub.url}/user/ada/api/kernels", timeout=30)
    assert own.status_code == 200 and two_users["ada"]["kernel_id"] in [k["id"] for k in own.json()]
    assert two_users["grace"]["kernel_id"] not in [k["id"] for k in own.json()]
    # Logged in as ada, grace's dashboard is refused by the hub; without logging in, it asks to log in.
    assert ada.get(f"{hub.url}/user/grace/{DASHBOARD}", timeout=30).status_code == 403
    stranger = requests.get(f"{hub.url}/user/grace/{DASHBOARD}", timeout=30)
    assert stranger.url.startswith(f"{hub.url}/hub/login")


@pytest.mark.server
def test_the_wrong_password_is_refused(hub):
    session, answer = log_in(hub, "mallory", password="not-the-password")  # noqa: S106
    assert answer.status_code == 403 and answer.url.startswith(f"{hub.url}/hub/login")
    assert session.get(f"{hub.url}/hub/api/user", timeout=10).status_code == 403


@pytest.mark.server
@pytest.mark.browser
def test_in_chromium_the_login_lands_on_the_dashboard_and_the_slider_redraws(hub, two_users):
    with launch() as chromium:
        tab = chromium.new_context(viewport={"width": 1250, "height": 950}).new_page()
        outside = []
        tab.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).scheme in ("http", "https")
               and urlsplit(r.url).hostname != "127.0.0.1" else None)
        tab.goto(f"{hub.url}/hub/login", timeout=30000)
        tab.fill("input[name=username]", "ada")
        tab.fill("input[name=password]", PASSWORD)
        tab.click("input[type=submit], button[type=submit]")
        landing = re.compile(re.escape(f"{hub.url}/user/ada/{DASHBOARD}") + r"(\?.*)?$")
        tab.wait_for_url(landing, timeout=60000)  # the hub's default URL for every user
        titles = tab.locator(".lm-TabBar-tab")
        titles.first.wait_for(timeout=60000)
        assert [t.inner_text().strip() for t in titles.all()] == TABS
        image = tab.locator("img.widget-image >> visible=true").first
        image.wait_for(timeout=30000)
        tab.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                              timeout=30000)
        before = image.evaluate(PIXELS)
        handle = tab.locator(".noUi-handle >> visible=true").first
        handle.focus()
        for _ in range(6):
            handle.press("ArrowRight")
        tab.wait_for_function(CHANGED, arg=[image.element_handle(), before], timeout=15000)
        # The course's template asks no CDN for the icon font, nor for MathJax (the page uses Voila's own).
        assert outside == []


@pytest.mark.server
def test_stopping_the_hub_stops_every_process_it_started(hub, two_users):
    assert len(processes_of(hub.state)) >= 1 + 1 + 2 * 2, "hub, proxy, and a server and a kernel per user"
    hub.stop()
    assert hub.process.returncode is not None
    assert processes_of(hub.state) == [], "left running after the hub stopped"
