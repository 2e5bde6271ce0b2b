"""Sphinx configuration of the course website (built by ``website/build.py``, never by hand).

Builder: Sphinx + MyST-NB + sphinx-book-theme, all plain PyPI packages pinned in
requirements/docs.txt. Chosen because the whole build runs offline: the theme's CSS, JS and
fonts ship inside its wheel, and nothing is fetched at build time. Jupyter Book 2 (mystmd)
downloads its site template from the internet on every fresh build, so it cannot build here
or on an offline CI machine; this is the stack of Jupyter Book 1, maintained by the same
Executable Books project. Plain nbconvert would also work offline, but would need our own
page template, navigation and link checker; Sphinx gives them, and with ``-W`` every broken
cross-reference (a chapter link in the README table, a link between notebooks) fails the build.

The notebooks are rendered with their saved outputs and never executed. Widget outputs carry
a PNG snapshot next to the widget view: the widget mime type is dropped from the render
priority so the page shows the snapshot, and no widget JavaScript is loaded from a CDN.

build.py stages the source folder (index.md generated from the README, notebooks/ copied) and
runs ``sphinx-build -c website``; this file holds only settings and the launch buttons.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from course_lib import GITHUB_REPO, __version__  # noqa: E402  (needs the path above)

# Launch buttons open the notebooks at this release, like the notebooks' own badges and install cells.
BRANCH = f"v{__version__}"
REPOSITORY_URL = f"https://github.com/{GITHUB_REPO}"

project = "The mathematical building blocks of neural networks"
author = "The building-blocks course contributors"
copyright = "The building-blocks course contributors; code MIT, text CC BY 4.0"
version = release = __version__

extensions = ["myst_nb"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
language = "en"

# Every warning fails the build (build.py passes -W --keep-going); MyST reports a link to a
# missing document or heading as a warning (myst.xref_missing), so broken internal links fail.
nitpicky = False
myst_heading_anchors = 3

# --- Notebooks: saved outputs only -------------------------------------------------------
nb_execution_mode = "off"
nb_mime_priority_overrides = [
    # Show the widget's PNG snapshot (and never an empty widget placeholder).
    ("*", "application/vnd.jupyter.widget-view+json", None),
    ("*", "application/javascript", None),
]
nb_ipywidgets_js = {}  # no require.js / widget manager from a CDN
nb_output_stderr = "show"
nb_merge_streams = True

# --- HTML --------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_last_updated_fmt = None  # no dates in the pages: rebuilds stay comparable
html_copy_source = True  # the theme's "download .ipynb" button serves _sources/
html_show_sphinx = False
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "use_download_button": True,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    # Launch buttons are added below (the theme's Binder link opens the classic tree; ours
    # open the notebook in JupyterLab, the same links as the notebooks' own badges).
    "launch_buttons": {},
}


def launch_urls(notebook: str) -> dict[str, str]:
    """Colab and Binder addresses for a notebook path relative to the repository root."""
    return {
        "Colab": f"https://colab.research.google.com/github/{GITHUB_REPO}/blob/{BRANCH}/{notebook}",
        "Binder": f"https://mybinder.org/v2/gh/{GITHUB_REPO}/{BRANCH}?labpath={quote(notebook, safe='')}",
    }


def add_launch_buttons(app, pagename, templatename, context, doctree):
    """A rocket menu with Colab and Binder links in the header of every chapter page."""
    if not pagename.startswith("notebooks/") or "header_buttons" not in context:
        return
    icons = {"Colab": "_static/images/logo_colab.png", "Binder": "_static/images/logo_binder.svg"}
    buttons = [
        {"type": "link", "text": name, "tooltip": f"Launch on {name}", "icon": icons[name], "url": url}
        for name, url in launch_urls(f"{pagename}.ipynb").items()
    ]
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": "Launch this notebook",
            "icon": "fas fa-rocket",
            "buttons": buttons,
            "label": "launch-buttons",
        }
    )


def setup(app):
    # After the theme's prep_header_buttons (priority 500) has made the list.
    app.connect("html-page-context", add_launch_buttons, priority=501)
