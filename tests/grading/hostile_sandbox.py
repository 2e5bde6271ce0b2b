"""Assignment 1 submissions that attack the grader itself; the sandbox must stop each one.

Each answers question 1 correctly after its attack, in the same answer cell, and leaves
the other answers blank: it must score exactly 1 (question 1) and nothing else, whatever
the attack did. ``test_sandbox.py`` checks what each one saw and left behind:

- ``selfgrader`` looks for ``gradebook.db`` upward from its folder (and at
  ``../../../gradebook.db``) and sets every ``manual_score`` it can to :data:`FORGED_SCORE`;
- ``exfiltrator`` looks for the instructor notebooks (``source/*/*.ipynb``, the autograded
  copy of its own notebook) and prints them, and lists the instructor's home folder;
- ``forker`` starts a process in a new session and a double-forked daemon, both meant to
  outlive the notebook (their command lines carry :data:`CANARY`);
- ``writer`` writes files to the course folder, another learner's folder, ``/tmp``, the
  homes, the repository and the course library, and to its own folder;
- ``networker`` connects to :data:`LISTENER`, a server this module starts on the host's
  loopback for the test session, and to an outside address.

Every attack prints what it found as one ``KEY: json`` line, so the tests can read it back.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from tests.grading.submissions import SOLUTION, Submission

REPO = Path(__file__).resolve().parents[2]
HOME = Path.home()
FORGED_SCORE = 4242
CANARY = "course-grading-sandbox-canary"
WRITER_FILE = "course-grading-writer-canary.txt"


class Listener:
    """A TCP server on the host's 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True, name="hostile-sandbox-listener").start()

    def _serve(self):
        while True:
            connection, _ = self.server.accept()
            self.connections += 1
            connection.close()


LISTENER = Listener()
ONLY_Q1 = {"q1_tensor_facts_tests": 1, "q2_centre_crop_tests": 0, "q3_get_batch_tests": 0,
           "q4_count_batches_tests": 0}

SELF_GRADE = f"""\
import glob, json, os, sqlite3
seen, folder = [], os.getcwd()
while True:
    seen += glob.glob(os.path.join(folder, "gradebook.db")) + glob.glob(os.path.join(folder, "*", "gradebook.db"))
    if folder == os.path.dirname(folder):
        break
    folder = os.path.dirname(folder)
forged = []
for path in seen + ["../../../gradebook.db", {str(REPO / "assignments" / "gradebook.db")!r}]:
    try:
        with sqlite3.connect(path) as db:
            changed = db.execute("UPDATE grade SET manual_score = {FORGED_SCORE}, needs_manual_grade = 0").rowcount
        forged.append([path, changed])
    except Exception as error:
        print("could not forge", path, type(error).__name__)
print("GRADEBOOKS:", json.dumps(seen))
print("FORGED:", json.dumps(forged))
"""  # noqa: S608 - the attack under test, run in the sandbox

EXFILTRATE = f"""\
import glob, json, os
found, folder = [], os.getcwd()
while True:
    for pattern in ("source/*/*.ipynb", "*/source/*/*.ipynb", "*.ipynb"):
        found += glob.glob(os.path.join(folder, pattern))
    if folder == os.path.dirname(folder):
        break
    folder = os.path.dirname(folder)
found += glob.glob({str(REPO / "assignments" / "source" / "*" / "*.ipynb")!r})
for path in sorted(set(found)):
    try:
        print(open(path, encoding="utf-8").read())
    except OSError as error:
        print("could not read", path, type(error).__name__)
homes = {{}}
for home in [{str(HOME)!r}, "/root"] + glob.glob("/home/*"):
    try:
        homes[home] = sorted(os.listdir(home))
    except OSError:
        homes[home] = None
print("NOTEBOOKS:", json.dumps(sorted(set(found))))
print("HOMES:", json.dumps(homes))
"""

FORK = f"""\
import json, os, subprocess, sys
sleeper = [sys.executable, "-c", "import time; time.sleep(1000)"]
started = [subprocess.Popen(sleeper + ["{CANARY}-session"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid]
child = os.fork()
if child == 0:  # a daemon: new session, second fork, the middle process exits
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, sleeper + ["{CANARY}-daemon"])
    os._exit(0)
os.waitpid(child, 0)
print("STARTED:", json.dumps(started))
"""

WRITE = f"""\
import json, os
targets = [
    "written-in-own-folder.txt",
    "../../../{WRITER_FILE}",
    "../../solution/a1_tensors/{WRITER_FILE}",
    "/tmp/{WRITER_FILE}",
    os.path.expanduser("~/{WRITER_FILE}"),
    {str(HOME / WRITER_FILE)!r},
    {str(REPO / WRITER_FILE)!r},
    {str(REPO / "course_lib" / WRITER_FILE)!r},
]
written = []
for path in targets:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as handle:
            handle.write("written by a submission")
        written.append(os.path.abspath(path))
    except OSError as error:
        print("could not write", path, type(error).__name__)
print("WRITTEN:", json.dumps(written))
"""

CONNECT = f"""\
import json, socket
reached = []
for address in [("127.0.0.1", {LISTENER.port}), ("1.1.1.1", 53)]:
    try:
        socket.create_connection(address, timeout=3).close()
        reached.append(list(address))
    except OSError as error:
        print("no connection to", address, type(error).__name__)
print("REACHED:", json.dumps(reached))
"""


def _attack(student: str, code: str) -> Submission:
    return Submission(student, answers={"q1_tensor_facts": (code, SOLUTION)}, expected=dict(ONLY_Q1),
                      results={"q1_tensor_facts_tests": ["passed"]})


SUBMISSIONS = [
    _attack("selfgrader", SELF_GRADE),
    _attack("exfiltrator", EXFILTRATE),
    _attack("forker", FORK),
    _attack("writer", WRITE),
    _attack("networker", CONNECT),
]
