"""Build the course website: the six chapter notebooks with their saved outputs, as static HTML.

    python website/build.py [--out DIR]      (default: website/_build/html)

The index page is the README's lead section (title, introduction, chapter table), read from
README.md at every build so it cannot drift; each chapter link in the table becomes a link to
the chapter's page. The notebooks are copied as they are saved and never executed. Sphinx runs
with -W --keep-going, so any warning, a broken link among them, fails the build. Nothing is
fetched from the network (see the comment at the top of website/conf.py for the builder choice).

Needs only requirements/docs.txt (``pip install -r requirements/docs.txt``): course_lib, for the
repository name, is read from this checkout.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import sys
import tempfile
from pathlib import Path

WEBSITE = Path(__file__).resolve().parent
REPO = WEBSITE.parent
README = REPO / "README.md"
DEFAULT_OUT = WEBSITE / "_build" / "html"
CHAPTER_GLOB = "0[1-6]_*.ipynb"
REQUIRED_MODULES = ("sphinx", "myst_nb", "sphinx_book_theme")

# A markdown link or image: [text](target) or ![alt](target), target without spaces.
LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)")


class BuildError(RuntimeError):
    """The site cannot be built as asked (missing packages, README without a chapter table, ...)."""


def missing_packages() -> list[str]:
    """The docs packages (requirements/docs.txt) that this Python cannot import."""
    return [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]


def chapter_notebooks(repo: Path = REPO) -> list[Path]:
    """The chapter notebooks the site shows, in teaching order (not the dashboard)."""
    return sorted((repo / "notebooks").glob(CHAPTER_GLOB))


def readme_lead(text: str) -> str:
    """The README from its title up to its first second-level heading."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if start is None:
        raise BuildError("README.md has no '# ' title line")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]).strip() + "\n"


def chapter_table(lead: str) -> list[str]:
    """The lines of the first markdown table in the lead (the chapter table)."""
    lines = lead.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("|")), None)
    if start is None:
        raise BuildError("README.md has no chapter table before its first '## ' heading")
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return lines[start:end]


def table_notebooks(table: list[str]) -> list[str]:
    """The notebook paths the chapter table links to, in table order."""
    return [target for _, _, target in LINK.findall("\n".join(table)) if target.endswith(".ipynb")]


def index_markdown(readme_text: str, notebooks: list[str], repo_url: str, branch: str = "main") -> str:
    """The site's index page: the README lead with its links made to work on the site.

    Links to the chapter notebooks stay relative (MyST turns them into links to the chapter
    pages, and warns, failing the build, if one has no page); every other relative link points
    at the file on GitHub. A hidden table of contents lists the chapters for the sidebar.
    """
    lead = readme_lead(readme_text)
    table = chapter_table(lead)
    linked = table_notebooks(table)
    if sorted(linked) != sorted(notebooks):
        raise BuildError(
            "README.md's chapter table and notebooks/ disagree: the table links "
            f"{linked}, the site shows {notebooks}"
        )

    def rewrite(match: re.Match) -> str:
        bang, text, target = match.groups()
        if target in notebooks or re.match(r"^[a-z][a-z0-9+.-]*:|^#", target):
            return match.group(0)
        kind = "raw" if bang else "blob"
        return f"{bang}[{text}]({repo_url}/{kind}/{branch}/{target.removeprefix('./')})"

    body = LINK.sub(rewrite, lead)
    toctree = "\n".join(path.removesuffix(".ipynb") for path in linked)
    licence = (
        f"Source: [{repo_url}]({repo_url}). The code is under the MIT licence "
        f"([LICENSE]({repo_url}/blob/{branch}/LICENSE)); the text of the notebooks and the "
        f"documentation under CC BY 4.0 ([LICENSE-CONTENT.md]({repo_url}/blob/{branch}/LICENSE-CONTENT.md))."
    )
    return f"{body}\n{licence}\n\n```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{toctree}\n```\n"


def stage_sources(src: Path, repo: Path = REPO) -> list[str]:
    """Write the Sphinx source folder: index.md and a copy of each chapter notebook."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from course_lib import GITHUB_REPO  # light: the package imports nothing heavy

    notebooks = chapter_notebooks(repo)
    if not notebooks:
        raise BuildError(f"no chapter notebooks ({CHAPTER_GLOB}) in {repo / 'notebooks'}")
    names = [f"notebooks/{path.name}" for path in notebooks]
    (src / "notebooks").mkdir(parents=True)
    for path in notebooks:
        shutil.copyfile(path, src / "notebooks" / path.name)
    index = index_markdown((repo / "README.md").read_text(encoding="utf-8"), names, f"https://github.com/{GITHUB_REPO}")
    (src / "index.md").write_text(index, encoding="utf-8")
    return names


def prepare_out(out: Path) -> None:
    """Empty the output folder, refusing to delete a folder that is not an earlier site."""
    if out.exists():
        if not out.is_dir():
            raise BuildError(f"--out {out} exists and is not a folder")
        if any(out.iterdir()) and not (out / ".buildinfo").exists():
            raise BuildError(f"--out {out} is not empty and holds no earlier build (.buildinfo): not deleting it")
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)


def build(out: Path, quiet: bool = True, repo: Path = REPO) -> Path:
    """Build the site of ``repo`` into ``out`` (replacing an earlier build there); return ``out``."""
    missing = missing_packages()
    if missing:
        raise BuildError(
            f"the website needs {', '.join(missing)}: install requirements/docs.txt "
            f"({sys.executable} -m pip install -r requirements/docs.txt)"
        )
    from sphinx.cmd.build import build_main

    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="course-website-") as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        stage_sources(src, repo)
        # Sphinx builds into the temporary folder (MyST-NB writes a jupyter_execute/ folder
        # beside the HTML), and only the finished HTML is copied to the destination.
        html = tmp / "html"
        args = ["-b", "html", "-c", str(WEBSITE), "-d", str(tmp / "doctrees"), "-E", "-W", "--keep-going"]
        if quiet:
            args.append("-q")
        status = build_main([*args, str(src), str(html)])
        if status != 0:
            raise BuildError(
                f"sphinx-build failed (exit status {status}); see the warnings above (their paths are in a "
                "staged copy: notebooks/<name>.ipynb is the chapter notebook, index.md is made from README.md)"
            )
        prepare_out(out)
        shutil.copytree(html, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress, not only warnings")
    parser.add_argument(
        "--repo", type=Path, default=REPO, help="folder with README.md and notebooks/ (default: this checkout)"
    )
    args = parser.parse_args(argv)
    try:
        out = build(args.out, quiet=not args.verbose, repo=args.repo)
    except BuildError as error:
        print(f"website build failed: {error}", file=sys.stderr)
        return 1
    print(f"Website built: {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
