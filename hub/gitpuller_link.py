"""Build the one link that hands out the course on a JupyterHub with nbgitpuller.

    python hub/gitpuller_link.py https://hub.example.org                  # JupyterLab, the notebooks folder
    python hub/gitpuller_link.py https://hub.example.org --open dashboard # the dashboard, through Voila
    python hub/gitpuller_link.py https://hub.example.org --open 04        # chapter 4 in JupyterLab

A student who clicks the link logs in to the hub (their server starts if needed); nbgitpuller then
clones the course repository into ``building-blocks/`` in their home, or, on later clicks, pulls what
changed without overwriting their own edits, and opens the page asked for. The hub's image must have
nbgitpuller and the course library installed (see docs/jupyterhub.md). Only the standard library is used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
#: The course's public repository and the branch students get.
COURSE_REPO = "https://github.com/open-dl-course/building-blocks"
BRANCH = "main"


def folder_of(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into (its default ``targetpath``: the repository's name)."""
    return repo.rstrip("/").split("/")[-1].removesuffix(".git")


def page_path(target: str, folder: str) -> str:
    """The server-relative page to open: ``dashboard``, ``notebooks`` or a chapter number such as ``04``."""
    if target == "dashboard":
        return f"voila/render/{folder}/course_lib/dashboard.ipynb"
    if target == "notebooks":
        return f"lab/tree/{folder}/notebooks"
    chapters = sorted(p.name for p in (REPO / "notebooks").glob(f"{target}_*.ipynb")) if target.isdigit() else []
    if len(target) != 2 or len(chapters) != 1:
        raise ValueError(f"what to open must be 'dashboard', 'notebooks' or a chapter number from 01 to 06; "
                         f"got {target!r}")
    return f"lab/tree/{folder}/notebooks/{chapters[0]}"


def gitpuller_link(hub_url: str, target: str = "notebooks", repo: str = COURSE_REPO, branch: str = BRANCH) -> str:
    """The nbgitpuller link for ``hub_url`` that pulls ``repo`` at ``branch`` and opens ``target``."""
    parts = urlsplit(hub_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"hub_url must be the hub's address, like https://hub.example.org; got {hub_url!r}")
    query = urlencode({"repo": repo, "urlpath": page_path(target, folder_of(repo)), "branch": branch})
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python hub/gitpuller_link.py", description=__doc__.splitlines()[0])
    parser.add_argument("hub_url", help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("--open", default="notebooks", dest="target",
                        help="dashboard, notebooks (default) or a chapter number such as 04")
    parser.add_argument("--repo", default=COURSE_REPO, help=f"the repository to pull (default {COURSE_REPO})")
    parser.add_argument("--branch", default=BRANCH, help=f"the branch to pull (default {BRANCH})")
    args = parser.parse_args(argv)
    try:
        print(gitpuller_link(args.hub_url, args.target, args.repo, args.branch))
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
