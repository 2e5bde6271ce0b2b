#!/usr/bin/env python3
"""Which platforms and Python versions can install requirements/base.txt: found by resolving it.

Usage: python tools/support_matrix.py [--platform KEY ...] [--python 3.X ...] [--no-write]
       (`make support-matrix`; needs PyPI, a few minutes, one pip run at a time)

For each platform of PLATFORMS and each Python of PYTHONS the script
1. writes that platform's requirements: the lines of requirements/base.txt whose environment
   markers hold there, evaluated with ``packaging`` for that platform's sys_platform,
   platform_machine and python_version (see :func:`platform_requirements`);
2. asks pip to resolve them for that platform's wheel tags without installing anything
   (``pip install --dry-run --ignore-installed --only-binary=:all: --platform TAG ...
   --python-version V --implementation cp --target TMP --report REPORT -r FILE``). pip's
   ``--platform`` only changes which wheels it accepts: it still evaluates the markers of the
   dependencies (TensorFlow's, Keras's) for the machine it runs on. So pip runs here with its
   marker environment set to the target platform's (:data:`PIP_WITH_MARKERS`);
3. prints a Markdown table (platform x Python: supported, or what failed in one short reason),
   writes it to docs/support-matrix.md, and exits 1 if a combination in SUPPORTED does not
   resolve.

pip only fetches metadata when PyPI serves it beside the wheels (PEP 658), so no wheel is
downloaded; nothing is installed. pip's configuration (index, constraints) applies as usual.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, mac_platforms
from packaging.utils import canonicalize_name, parse_wheel_filename

REPO = Path(__file__).resolve().parents[1]
REQUIREMENTS = REPO / "requirements" / "base.txt"
OUTPUT = REPO / "docs" / "support-matrix.md"

#: Python versions probed, oldest first.
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


def manylinux_tags(arch: str, glibc_minor: int = 28) -> tuple[str, ...]:
    """Every manylinux wheel tag a Linux with glibc 2.``glibc_minor`` accepts, newest first.

    pip expands ``--platform manylinux2014_*`` to the older manylinux1/2010 tags, and a macOS
    tag to older macOS versions, but not ``manylinux_2_28_*`` to the older ``manylinux_2_27_*``
    (TensorFlow 2.21's tag): so the whole list is given.
    """
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(glibc_minor, 16, -1)]
    return (*tags, f"manylinux2014_{arch}")


@dataclass(frozen=True)
class Platform:
    """One kind of learner machine: its wheel tags and its environment-marker values."""

    key: str  #: name on the command line
    label: str  #: row name in the table
    tags: tuple[str, ...]  #: pip --platform values (pip widens macOS tags to older versions itself)
    sys_platform: str
    platform_machine: str  #: as platform.machine() says it there (Windows says AMD64)
    platform_system: str
    os_name: str = "posix"

    def marker_environment(self, python: str) -> dict[str, str]:
        """The PEP 508 marker values of CPython ``python`` (e.g. ``"3.12"``) on this platform."""
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{python}.0",
            "os_name": self.os_name,
            "platform_machine": self.platform_machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": self.platform_system,
            "platform_version": "",
            "python_full_version": f"{python}.0",
            "python_version": python,
            "sys_platform": self.sys_platform,
        }

    def accepted_tags(self) -> set[str]:
        """Every platform tag pip accepts for :attr:`tags` (it widens macOS and manylinux2014 tags)."""
        accepted = set(self.tags)
        for tag in self.tags:
            mac = re.match(r"macosx_(\d+)_(\d+)_(\w+)$", tag)
            if mac:
                accepted |= set(mac_platforms((int(mac[1]), int(mac[2])), mac[3]))
            if tag.startswith("manylinux2014_"):
                arch = tag.removeprefix("manylinux2014_")
                accepted |= {f"manylinux2010_{arch}", f"manylinux1_{arch}"}
        return accepted

    @property
    def oldest_system(self) -> str:
        """The oldest system its wheel tags accept, e.g. ``"glibc 2.28+"`` or ``"macOS 12+"``."""
        match = re.match(r"manylinux_(\d+)_(\d+)_", self.tags[0]) or re.match(r"macosx_(\d+)_(\d+)_", self.tags[0])
        if not match:
            return ""
        major, minor = match.groups()
        return f"glibc {major}.{minor}+" if self.tags[0].startswith("manylinux") else f"macOS {major}+"


#: Linux: glibc 2.28 or newer (Debian 10, Ubuntu 20.04, RHEL 8 and later). macOS: Apple Silicon
#: from macOS 12, Intel from macOS 11 (pip also accepts the older macOS tags).
PLATFORMS = (
    Platform("linux-x86_64", "Linux x86_64", manylinux_tags("x86_64"), "linux", "x86_64", "Linux"),
    Platform("linux-aarch64", "Linux aarch64 (ARM servers, Docker on Apple Silicon)", manylinux_tags("aarch64"),
             "linux", "aarch64", "Linux"),
    Platform("macos-arm64", "macOS Apple Silicon (arm64)", ("macosx_12_0_arm64",), "darwin", "arm64", "Darwin"),
    Platform("macos-x86_64", "macOS Intel (x86_64)", ("macosx_11_0_x86_64",), "darwin", "x86_64", "Darwin"),
    Platform("windows-x86_64", "Windows x86_64", ("win_amd64",), "win32", "AMD64", "Windows", os_name="nt"),
)

#: What the course promises (README "Quick start"): these combinations must resolve, or the
#: script exits 1. Python 3.10 cannot install numpy 2.4.6 (it needs 3.11 or newer); TensorFlow 2.21
#: and JAX 0.4.38 have no wheels for 3.14.
SUPPORTED = {platform.key: ("3.11", "3.12", "3.13") for platform in PLATFORMS}

#: The Keras backends base.txt can install, by distribution name, for the table's backend column.
BACKENDS = ("tensorflow-cpu", "tensorflow", "jax", "torch")

#: Runs pip with its marker environment replaced by the JSON object in argv[1] (see the docstring).
PIP_WITH_MARKERS = (
    "import json, sys\n"
    "import pip._vendor.packaging.markers as markers\n"
    "environment = json.loads(sys.argv.pop(1))\n"
    "markers.default_environment = lambda: dict(environment)\n"
    "from pip._internal.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@dataclass
class Outcome:
    """The result of resolving one (platform, Python) combination."""

    ok: bool
    reason: str = ""  #: one short reason when not ok
    installs: dict = field(default_factory=dict)  #: {distribution name: version} pip would install


#: A resolver: (platform, python, requirement lines) -> Outcome. :func:`pip_resolver` asks PyPI.
Resolver = Callable[[Platform, str, list], Outcome]


def requirement_lines(path: Path) -> list[str]:
    """The requirement lines of a requirements file: comments and blank lines dropped, ``-r`` followed."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith(("-r ", "--requirement ")):
            lines += requirement_lines(path.parent / line.split(None, 1)[1])
        else:
            lines.append(line)
    return lines


def platform_requirements(lines: Iterable[str], platform: Platform, python: str) -> list[str]:
    """The requirements that apply on ``platform`` with CPython ``python``, markers evaluated and dropped.

    Lines that are pip options (``-e``, ``--index-url``) are kept as they are.
    """
    environment = platform.marker_environment(python)
    kept = []
    for line in lines:
        if line.startswith("-"):
            kept.append(line)
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            kept.append(line)
            continue
        if requirement.marker is None or requirement.marker.evaluate(environment):
            requirement.marker = None
            kept.append(str(requirement))
    return kept


def backend_of(requirements: Iterable[str]) -> str:
    """The Keras backend pinned in ``requirements`` (marker-free lines), e.g. ``"tensorflow-cpu 2.21.0"``."""
    for line in requirements:
        if line.startswith("-"):
            continue
        requirement = Requirement(line)
        if requirement.name in BACKENDS:
            return f"{requirement.name} {str(requirement.specifier).lstrip('=')}"
    return "none"


def marker_holds(marker: str, platform: Platform, python: str) -> bool:
    """Whether the environment marker ``marker`` holds on ``platform`` with CPython ``python``."""
    return Marker(marker).evaluate(platform.marker_environment(python))


# --- Reading pip's answer ---------------------------------------------------------------------

_NO_MATCH = re.compile(r"No matching distribution found for (\S+)")
_FROM_VERSIONS = re.compile(r"\(from versions: ([^)]*)\)")
_IGNORED_PYTHON = re.compile(r"Ignored the following versions that require a different python version: (.*)")
_COLLECTING = re.compile(r"Collecting (\S+) \(from ([^)]+)\)")
_CONFLICT = re.compile(r"The conflict is caused by:\s*\n\s*(.+)\n\s*(.+)")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]


def missing_requirement(output: str) -> str | None:
    """The requirement pip found no distribution for (e.g. ``"numpy==2.4.6"``), if that is why it failed."""
    missing = _NO_MATCH.findall(output)
    return missing[-1] if missing else None


def _python_requirements(output: str, name: str, version: str) -> set[str]:
    """The Requires-Python of every wheel of ``name`` ``version`` that pip's output (``-vv``) lists."""
    wheel = re.escape(re.sub(r"[-_.]+", "_", name)) + "-" + re.escape(version) + r"-[^\s/]*\.whl"
    pattern = re.compile(wheel + r" \(from [^)]*\) \(requires-python:([^)]*)\)", re.IGNORECASE)
    found = set(pattern.findall(output))
    for ignored in _IGNORED_PYTHON.findall(output):
        for entry in ignored.split(";"):
            parts = entry.split(" Requires-Python ")
            if len(parts) == 2 and parts[0].strip() == version:
                found.add(parts[1].strip())
    return found


def _wheels(output: str, name: str, version: str) -> list[str]:
    """The file names of every wheel of ``name`` ``version`` that pip's output (``-vv``) lists."""
    pattern = re.escape(re.sub(r"[-_.]+", "_", name)) + "-" + re.escape(version) + r"-[^\s/]*\.whl"
    return sorted(set(re.findall(pattern, output, re.IGNORECASE)))


def _python_accepts(tag: Tag, python: str) -> bool:
    wanted = "cp" + python.replace(".", "")
    if tag.interpreter in (wanted, "py3", "py" + python.replace(".", "")):
        return True
    if tag.abi == "abi3" and tag.interpreter.startswith("cp3"):
        return int(tag.interpreter[3:]) <= int(wanted[3:])
    return False


def missing_wheel(wheels: Iterable[str], platform: Platform, python: str) -> str:
    """Which of platform and Python the wheels ``wheels`` (file names) leave out: ``"Python 3.14"``,
    ``"this platform"`` or ``"this platform and Python"``."""
    accepted = platform.accepted_tags()
    tags = [tag for wheel in wheels for tag in parse_wheel_filename(wheel)[3]]
    on_platform = [tag for tag in tags if tag.platform in accepted or tag.platform == "any"]
    for_python = [tag for tag in tags if _python_accepts(tag, python)]
    if on_platform and not any(_python_accepts(tag, python) for tag in on_platform):
        return f"Python {python}"
    if for_python and not on_platform:
        return "this platform"
    return "this platform and Python"


def short_reason(output: str, python: str | None = None, platform: Platform | None = None) -> str:
    """One short sentence saying why pip could not resolve, from its output (stdout and stderr).

    ``python`` and ``platform``: what was resolved for. With them, and pip's ``-vv`` output for
    a pin that has no distribution (:func:`pip_resolver` adds it), the reason says whether the
    pin's wheels need another Python (Requires-Python), or leave out this Python or this platform.
    """
    wanted = missing_requirement(output)
    if wanted:
        name = _name(wanted)
        version = wanted.split("==", 1)[1] if "==" in wanted else None
        if version and python:
            needs = sorted(spec for spec in _python_requirements(output, name, version)
                           if not SpecifierSet(spec).contains(python))
            if needs:
                return f"{wanted} needs Python {needs[0]}"
        where = "this platform and Python"
        if version and python and platform:
            where = missing_wheel(_wheels(output, name, version), platform, python)
        needed_by = [parent for child, parent in _COLLECTING.findall(output) if _name(child).lower() == name.lower()]
        suffix = f" (needed by {needed_by[-1].split()[0]})" if needed_by else ""
        available = [v.strip() for v in (_FROM_VERSIONS.findall(output) or ["none"])[-1].split(",")]
        if available == ["none"]:
            return f"{name} has no wheel for {where}{suffix}"
        return f"no {wanted} wheel for {where} (newest with one: {available[-1]}){suffix}"
    conflict = _CONFLICT.search(output)
    if conflict:
        return f"conflict: {conflict.group(1).strip()}; {conflict.group(2).strip()}"
    errors = [line.removeprefix("ERROR: ").strip() for line in output.splitlines() if line.startswith("ERROR:")]
    text = errors[-1] if errors else (output.strip().splitlines() or ["pip failed without a message"])[-1]
    return text if len(text) <= 120 else text[:117] + "..."


def pip_command(requirements: list[str], platform: Platform, python: str, target: Path,
                report: Path | None = None, extra: tuple[str, ...] = ()) -> list[str]:
    """The pip command, with the target's marker environment, that resolves ``requirements``.

    ``requirements``: pip arguments naming them (``["-r", FILE]`` or requirement strings).
    """
    command = [sys.executable, "-c", PIP_WITH_MARKERS, json.dumps(platform.marker_environment(python)),
               "install", "--dry-run", "--ignore-installed", "--only-binary=:all:", "--implementation", "cp",
               "--python-version", python, "--target", str(target), "--disable-pip-version-check", "--no-color",
               "--progress-bar", "off", *extra]
    for tag in platform.tags:
        command += ["--platform", tag]
    if report is not None:
        command += ["--report", str(report)]
    return [*command, *requirements]


def _run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=1800, check=False)


def pip_resolver(platform: Platform, python: str, requirements: list) -> Outcome:
    """Resolve ``requirements`` with pip for ``platform`` and ``python`` (asks the package index).

    When a pin has no distribution there, pip is asked once more, verbosely and for that pin
    alone, which Python its wheels require (so the reason can say "needs Python >=3.11").
    """
    with tempfile.TemporaryDirectory(prefix="support-matrix-") as tmp:
        folder = Path(tmp)
        (folder / "requirements.txt").write_text("\n".join(requirements) + "\n", encoding="utf-8")
        report = folder / "report.json"
        result = _run(pip_command(["-r", str(folder / "requirements.txt")], platform, python, folder / "target",
                                  report))
        if result.returncode == 0 and report.is_file():
            installs = {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
                        for item in json.loads(report.read_text(encoding="utf-8"))["install"]}
            return Outcome(True, installs=installs)
        output = result.stdout + "\n" + result.stderr
        wanted = missing_requirement(output)
        if wanted and "==" in wanted:
            probe = _run(pip_command([wanted], platform, python, folder / "target", extra=("--no-deps", "-vv")))
            output += "\n" + probe.stdout + "\n" + probe.stderr
        return Outcome(False, short_reason(output, python, platform))


# --- The matrix -------------------------------------------------------------------------------

@dataclass
class Matrix:
    """Every outcome, by (platform key, Python), with what the course promises."""

    platforms: tuple
    pythons: tuple
    outcomes: dict  #: {(platform key, python): Outcome}
    backends: dict  #: {platform key: the Keras backend base.txt pins there}
    supported: Mapping = field(default_factory=lambda: SUPPORTED)

    def promised(self, platform: Platform, python: str) -> bool:
        return python in self.supported.get(platform.key, ())

    def broken_promises(self) -> list[tuple[str, str, str]]:
        """(platform label, python, reason) for each supported combination that does not resolve."""
        return [(p.label, v, self.outcomes[p.key, v].reason) for p in self.platforms for v in self.pythons
                if self.promised(p, v) and not self.outcomes[p.key, v].ok]

    def cell(self, platform: Platform, python: str) -> str:
        outcome = self.outcomes[platform.key, python]
        if outcome.ok:
            return "supported" if self.promised(platform, python) else "resolves (not supported)"
        if self.promised(platform, python):
            return f"**FAILS** (promised): {outcome.reason}"
        return f"no: {outcome.reason}"

    def markdown(self) -> str:
        header = ["Platform", "Keras backend", *(f"Python {v}" for v in self.pythons)]
        rows = [header, ["---"] * len(header)]
        for platform in self.platforms:
            backend = self.backends[platform.key]
            backend = f"JAX ({backend})" if backend.startswith("jax") else backend
            label = f"{platform.label}, {platform.oldest_system}" if platform.oldest_system else platform.label
            rows.append([label, backend, *(self.cell(platform, v) for v in self.pythons)])
        return "\n".join("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows) + "\n"


def build_matrix(resolver: Resolver, lines: list[str], platforms=PLATFORMS, pythons=PYTHONS,
                 supported: Mapping = SUPPORTED, progress: Callable[[str], None] | None = None) -> Matrix:
    """Resolve ``lines`` (base.txt's requirement lines) for every platform and Python, one at a time."""
    outcomes, backends = {}, {}
    for platform in platforms:
        backends[platform.key] = backend_of(platform_requirements(lines, platform, pythons[-1]))
        for python in pythons:
            if progress:
                progress(f"{platform.label}, Python {python} ...")
            outcomes[platform.key, python] = resolver(platform, python, platform_requirements(lines, platform, python))
            if progress:
                outcome = outcomes[platform.key, python]
                shown = ", ".join(f"{name} {outcome.installs[name]}" for name in ("numpy", *BACKENDS)
                                  if name in outcome.installs)
                progress(f"  resolves: {shown}" if outcome.ok else f"  fails: {outcome.reason}")
    return Matrix(tuple(platforms), tuple(pythons), outcomes, backends, supported)


def document(matrix: Matrix, requirements: Path = REQUIREMENTS) -> str:
    """docs/support-matrix.md: the table with a few words on how it was made."""
    try:
        source = requirements.relative_to(REPO)
    except ValueError:
        source = requirements
    return (
        "# Support matrix\n\n"
        f"Whether `pip` can install `{source}` on each platform and Python version, found by resolving\n"
        "the pins for that platform's wheels (`python tools/support_matrix.py`, or `make support-matrix`;\n"
        "generated, do not edit). \"supported\": the course promises it and it resolves; \"no\": pip cannot\n"
        "install the pins there, for the reason given.\n\n"
        + matrix.markdown()
    )


def main(argv=None, resolver: Resolver = pip_resolver) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--requirements", type=Path, default=REQUIREMENTS)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="Markdown file to write (default: %(default)s)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--platform", action="append", choices=[p.key for p in PLATFORMS],
                        help="only this platform (repeatable)")
    parser.add_argument("--python", action="append", help="only this Python version, e.g. 3.12 (repeatable)")
    args = parser.parse_args(argv)
    platforms = tuple(p for p in PLATFORMS if not args.platform or p.key in args.platform)
    pythons = tuple(args.python or PYTHONS)
    matrix = build_matrix(resolver, requirement_lines(args.requirements), platforms, pythons,
                          progress=lambda text: print(text, file=sys.stderr, flush=True))
    print(matrix.markdown())
    partial = bool(args.platform or args.python) and args.output == OUTPUT  # keep the committed full table
    if partial and not args.no_write:
        print(f"A part of the matrix only: {args.output} left as it is (name another with --output).", file=sys.stderr)
    elif not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(document(matrix, args.requirements.resolve()), encoding="utf-8")
        print(f"Written to {args.output}", file=sys.stderr)
    broken = matrix.broken_promises()
    for label, python, reason in broken:
        print(f"Supported but does not resolve: {label}, Python {python}: {reason}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
