"""Put the course into a JupyterHub user's home: ``~/course/dashboard.ipynb`` and ``~/course/notebooks/``.

    python hub/prepare_home.py [HOME]          # HOME defaults to $HOME

Both hubs of this folder run it before a user's server starts: the one-machine hub
(``jupyterhub_config.py``, as its ``pre_spawn_hook``) and the Kubernetes one
(``z2jh-values.yaml``, as the single-user pod's ``postStart`` hook, from the course image).

- ``course/dashboard.ipynb`` is the dashboard's notebook, refreshed at every start so that it
  always matches the course installed in the image. Students open it with Voila at
  ``/user/<name>/voila/render/course/dashboard.ipynb``.
- ``course/notebooks/`` gets the chapter notebooks that are missing. A notebook a student has
  already (and may have edited) is never overwritten; delete it to get the original back.

Only the standard library is used, so this runs before anything else is set up.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

#: The repository this script belongs to (in the course image: the folder repo2docker copied it to).
REPO = Path(__file__).resolve().parents[1]
#: The folder, inside a user's home, that holds the course.
COURSE_FOLDER = "course"
#: Where students open the dashboard, relative to their server (``/user/<name>`` + this).
DASHBOARD_URL = f"/voila/render/{COURSE_FOLDER}/dashboard.ipynb"


def prepare_home(home, source=REPO) -> list[Path]:
    """Copy the dashboard (always) and the missing chapter notebooks into ``home/course``; return what was written."""
    home, source = Path(home), Path(source)
    dashboard = source / "course_lib" / "dashboard.ipynb"
    chapters = sorted((source / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not dashboard.is_file():
        raise FileNotFoundError(f"source must be a copy of the course repository; got {source} "
                                f"(it has no course_lib/dashboard.ipynb)")
    course = home / COURSE_FOLDER
    (course / "notebooks").mkdir(parents=True, exist_ok=True)
    written = [course / "dashboard.ipynb"]
    shutil.copyfile(dashboard, written[0])
    for chapter in chapters:
        target = course / "notebooks" / chapter.name
        if not target.exists():
            shutil.copyfile(chapter, target)
            written.append(target)
    return written


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 1 or any(a.startswith("-") for a in argv):
        print("usage: python hub/prepare_home.py [HOME]", file=sys.stderr)
        return 2
    home = Path(argv[0]) if argv else Path(os.environ.get("HOME") or Path.home())
    written = prepare_home(home)
    print(f"Course ready in {home / COURSE_FOLDER} ({len(written)} file(s) written); "
          f"dashboard at <your server>{DASHBOARD_URL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
