"""The course website (website/build.py): built offline from the saved notebooks, no broken links.

The build tests run Sphinx in this process, so the suite's network guard (conftest.py) would
fail any fetch at build time. They need requirements/docs.txt: without it they skip, except
in CI (``CI`` set), where they fail with the install command.
"""

import base64
import hashlib
import importlib.util
import json
import os
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from course_lib import GITHUB_REPO, __version__

# The theme and MyST still call Sphinx APIs that Sphinx 11 removes: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*Check CHANGES for Sphinx API modifications")

REPO = Path(__file__).resolve().parents[1]
TAG = f"v{__version__}"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def load_build_module():
    spec = importlib.util.spec_from_file_location("course_website_build", REPO / "website" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


site = load_build_module()
CHAPTERS = site.chapter_notebooks(REPO)
CHAPTER_NAMES = [f"notebooks/{path.name}" for path in CHAPTERS]
README_TEXT = (REPO / "README.md").read_text(encoding="utf-8")


# --- The index page from the README (no Sphinx needed) -----------------------------------


def test_the_site_shows_the_six_chapter_notebooks_and_not_the_dashboard():
    assert [path.name[:3] for path in CHAPTERS] == ["01_", "02_", "03_", "04_", "05_", "06_"]
    assert all("dashboard" not in name for name in CHAPTER_NAMES)


def test_the_index_is_the_readme_chapter_table_with_every_chapter_in_the_toc():
    index = site.index_markdown(README_TEXT, CHAPTER_NAMES, f"https://github.com/{GITHUB_REPO}")
    table = site.chapter_table(site.readme_lead(README_TEXT))
    assert len(table) == 2 + len(CHAPTERS), "the chapter table: a header, a rule, a row per chapter"
    for line in table:
        assert line in index, "the README's table reaches the index page unchanged"
    toctree = index.split("```{toctree}")[1]
    for name in CHAPTER_NAMES:
        assert name.removesuffix(".ipynb") in toctree


def test_a_table_that_disagrees_with_the_notebooks_fails_the_build():
    with pytest.raises(site.BuildError, match="chapter table"):
        site.index_markdown(README_TEXT, CHAPTER_NAMES[:-1], "https://github.com/x/y")
    with pytest.raises(site.BuildError, match="no chapter table"):
        site.index_markdown("# Title\n\nNo table.\n\n## Next\n", CHAPTER_NAMES, "https://github.com/x/y")


def test_relative_links_other_than_chapters_point_at_github():
    readme = (
        "# T\n\nSee [the licence](LICENSE), ![a picture](./docs/a.png), [web](https://example.org) "
        "and [here](#t).\n\n| # | Notebook |\n|---|---|\n| 1 | [One](notebooks/01_a.ipynb) |\n\n## Next\n"
    )
    index = site.index_markdown(readme, ["notebooks/01_a.ipynb"], "https://github.com/o/r")
    assert "[the licence](https://github.com/o/r/blob/main/LICENSE)" in index
    assert "![a picture](https://github.com/o/r/raw/main/docs/a.png)" in index
    assert "[web](https://example.org)" in index and "[here](#t)" in index
    assert "[One](notebooks/01_a.ipynb)" in index


def test_the_build_never_deletes_a_folder_that_is_not_an_earlier_site(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(site.BuildError, match="not deleting"):
        site.prepare_out(tmp_path)
    assert (tmp_path / "notes.txt").exists()


# --- The built site ----------------------------------------------------------------------


def require_docs_packages():
    missing = site.missing_packages()
    if missing:
        message = (
            f"the website tests need {', '.join(missing)}: "
            f"{sys.executable} -m pip install -r requirements/docs.txt"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class References(HTMLParser):
    """Every href/src of a page, and every id it defines."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.external_assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        asset = attrs.get("src") if tag == "script" else attrs.get("href") if tag == "link" else None
        if asset and urlsplit(asset).scheme and attrs.get("rel") not in ("canonical",):
            self.external_assets.append(asset)


def references(page: Path) -> References:
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    require_docs_packages()
    out = tmp_path_factory.mktemp("website") / "html"
    site.build(out)
    return out


@pytest.mark.server
@pytest.mark.slow
def test_every_local_link_of_the_site_resolves(built_site):
    # _static/ holds the theme's template fragments (*.html files that are not pages).
    pages = sorted(page for page in built_site.rglob("*.html") if "_static" not in page.parts)
    assert len(pages) >= 1 + len(CHAPTERS)
    parsed = {page: references(page) for page in pages}
    broken = []
    for page, refs in parsed.items():
        for link in refs.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # external: Colab, Binder, GitHub, the notebooks' badges
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or built_site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(built_site)}: {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else references(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(built_site)}: {link} (no such anchor)")
    assert not broken, "broken local links:\n" + "\n".join(broken)
    external = {asset for refs in parsed.values() for asset in refs.external_assets}
    assert not external, f"every script and stylesheet is served by the site itself: {sorted(external)}"


@pytest.mark.server
@pytest.mark.slow
def test_the_index_links_every_chapter_page_and_each_has_launch_buttons(built_site):
    index_links = set(references(built_site / "index.html").links)
    for path in CHAPTERS:
        page = built_site / "notebooks" / f"{path.stem}.html"
        assert f"notebooks/{path.stem}.html" in index_links, f"the index table links {page.name}"
        html = page.read_text(encoding="utf-8")
        name = f"notebooks/{path.name}"
        colab = f"https://colab.research.google.com/github/{GITHUB_REPO}/blob/{TAG}/{name}"
        binder = f"https://mybinder.org/v2/gh/{GITHUB_REPO}/{TAG}?labpath={name.replace('/', '%2F')}"
        assert f'href="{colab}"' in html and f'href="{binder}"' in html, f"launch buttons on {page.name}"


@pytest.mark.server
@pytest.mark.slow
def test_widget_outputs_show_their_png_snapshot(built_site):
    snapshots = 0
    for path in CHAPTERS:
        html = (built_site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        assert WIDGET_VIEW not in html and "jupyter-widgets" not in html
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data:
                    digest = hashlib.sha256(base64.b64decode(data["image/png"])).hexdigest()
                    assert f"../_images/{digest}.png" in html, f"{path.name}: a widget without its snapshot"
                    assert (built_site / "_images" / f"{digest}.png").is_file()
                    snapshots += 1
    assert snapshots >= 8, "chapters 4 and 5 have four panels each"


@pytest.mark.server
@pytest.mark.slow
def test_a_broken_internal_link_fails_the_build(tmp_path):
    require_docs_packages()
    fake = tmp_path / "repo"
    (fake / "notebooks").mkdir(parents=True)
    shutil.copyfile(REPO / "README.md", fake / "README.md")
    for path in CHAPTERS:
        shutil.copyfile(path, fake / "notebooks" / path.name)
    notebook = fake / "notebooks" / CHAPTERS[1].name
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].append(
        {"cell_type": "markdown", "id": "broken-link", "metadata": {}, "source": "Next: [nowhere](09_missing.ipynb)"}
    )
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(site.BuildError, match="sphinx-build failed"):
        site.build(tmp_path / "html", repo=fake)
    assert not (tmp_path / "html").exists()
