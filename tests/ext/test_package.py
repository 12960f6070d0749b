"""sphinx-hpccourse proven from outside: the wheel, installed alone, builds another course.

A session fixture builds the wheel (``pip wheel --no-deps``) from a copy of the package's
sources; another makes a fresh virtual environment and installs the wheel with its
declared dependencies only. Those come from a wheelhouse in ``.venv/`` that the first
run fills through pip's index (this machine's mirror, or PyPI), so later runs install
offline. The course built there, ``outside-project/``, has its own ``conf.py``, a
three-cluster ``clusters.toml``, one page and a ``Makefile``; it shares no file with
the course site. Its ``make test`` runs html, consolecheck and lessonrun, warning-free.
Last, the commands of the site's page reuse.rst run as written, in an empty folder, with
the virtual environment inside the new course: ``hpccourse init`` and ``make check``.

Marked ``package``: ``pytest -m package`` runs these alone, ``-m "not package"`` skips
them. The first run takes about a minute (the downloads), later ones less.
"""

from __future__ import annotations

import ast
import configparser
import email.parser
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import hpccourse
import pytest
from builtpages import generated_tab_sets
from hpccourse.html.assets import STATIC_DIR
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.package

#: Its fixtures run lessonrun: the sandboxed tests' xdist group (tests/conftest.py).
RUNS_LESSONRUN = True

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "_ext" / "hpccourse"
OUTSIDE = Path(__file__).parent / "outside-project"
WHEELHOUSE = ROOT / ".venv" / "package-test-wheelhouse"
STRICT = ["-W", "--keep-going", "-n"]
DIST_NAME = "sphinx-hpccourse"
# The package's calls that load another distribution by name, not by an import statement.
LOADED_BY_NAME = re.compile(r"(?:setup_extension|import_module)\(\s*\"([\w.-]+)\"")


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def run(command: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    """Run ``command``; on failure, show its output in the assertion."""
    done = subprocess.run(
        [str(word) for word in command], capture_output=True, text=True, check=False, **kwargs
    )
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done


def source_files() -> set[str]:
    """Every file of the package as a wheel names it: ``hpccourse/...``."""
    return {
        path.relative_to(PACKAGE_DIR.parent).as_posix()
        for path in PACKAGE_DIR.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


# ------------------------------------------------------------------ the wheel


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of pyproject.toml and _ext/ (nothing else is needed)."""
    source = tmp_path_factory.mktemp("source")
    shutil.copy2(ROOT / "pyproject.toml", source)
    shutil.copytree(
        ROOT / "_ext",
        source / "_ext",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    out = tmp_path_factory.mktemp("wheel")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    run([*pip_wheel, "--no-index", "--wheel-dir", out, source])
    (built,) = out.glob("*.whl")
    return built


def scaffold_templates() -> set[str]:
    """Every template `hpccourse init` reads, in either format."""
    from hpccourse.scaffold import Options, destinations

    return {src for myst in (False, True) for src in destinations(Options("x", myst))}


def wheel_text(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (member,) = [n for n in archive.namelist() if n.endswith(f".dist-info/{name}")]
        return archive.read(member).decode("utf-8")


def test_wheel_is_the_distribution_at_the_package_version(wheel: Path) -> None:
    """One version: hpccourse.__version__, read by setuptools (dynamic)."""
    assert pyproject()["project"]["dynamic"] == ["version"]
    assert wheel.name == f"sphinx_hpccourse-{hpccourse.__version__}-py3-none-any.whl"
    fields = email.parser.Parser().parsestr(wheel_text(wheel, "METADATA"))
    assert fields["Name"] == DIST_NAME
    assert fields["Version"] == hpccourse.__version__
    assert fields["Requires-Python"] == pyproject()["project"]["requires-python"]


def test_wheel_holds_exactly_the_package_and_every_static_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = {n for n in archive.namelist() if ".dist-info/" not in n}
    assert names == source_files()
    assert {name.split("/")[0] for name in names} == {"hpccourse"}, "a stray top-level package"
    static = {n for n in names if n.startswith("hpccourse/html/static/")}
    assert "hpccourse/html/static/mermaid/mermaid.min.js" in static
    assert len(static) == sum(1 for p in STATIC_DIR.rglob("*") if p.is_file())
    # What `hpccourse init` writes, every template of it.
    templates = {n for n in names if n.startswith("hpccourse/coursetemplate/")}
    assert {f"hpccourse/coursetemplate/{t}" for t in scaffold_templates()} == templates


def test_wheel_declares_the_builders_entry_points(wheel: Path) -> None:
    entry_points = configparser.ConfigParser()
    entry_points.read_string(wheel_text(wheel, "entry_points.txt"))
    builders = dict(entry_points["sphinx.builders"])
    assert builders == {
        "consolecheck": "hpccourse.builders.consolecheck",
        "lessonrun": "hpccourse.builders.lessonrun",
    }
    for module in builders.values():
        source = (PACKAGE_DIR.parent / (module.replace(".", "/") + ".py")).read_text("utf-8")
        assert 'app.setup_extension("hpccourse")' in source, f"{module} does not set it up"


def test_wheel_requires_what_pyproject_declares(wheel: Path) -> None:
    fields = email.parser.Parser().parsestr(wheel_text(wheel, "METADATA"))
    required = {str(Requirement(r)) for r in fields.get_all("Requires-Dist")}
    project = pyproject()["project"]
    declared = {str(Requirement(r)) for r in project["dependencies"]}
    for extra, requirements in project["optional-dependencies"].items():
        declared |= {f'{Requirement(r)}; extra == "{extra}"' for r in requirements}
    assert required == declared
    for requirement in project["dependencies"]:
        assert "==" not in requirement and ">=" in requirement, f"{requirement}: lower bound only"


# ------------------------------------------- the dependencies are what the package loads


def imported_modules(path: Path) -> Iterator[str]:
    """The modules a source file imports or loads by name (absolute imports only)."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
    yield from LOADED_BY_NAME.findall(source)


def distribution_of(module: str, top_level: dict[str, list[str]]) -> str | None:
    """The installed distribution that holds ``module`` (None: standard library or ours)."""
    top, *rest = module.split(".")
    if top in sys.stdlib_module_names or top == "hpccourse":
        return None
    candidates = top_level.get(top, [])
    if len(candidates) == 1:
        return canonicalize_name(candidates[0])
    if not rest:
        return None  # a namespace package (sphinxcontrib) belongs to none of its parts
    prefix = f"{top}/{rest[0]}"
    for name in candidates:  # the part of the namespace that holds the submodule
        files = metadata.distribution(name).files or ()
        if any(str(f) == f"{prefix}.py" or str(f).startswith(f"{prefix}/") for f in files):
            return canonicalize_name(name)
    return None


def test_dependencies_are_exactly_the_distributions_the_package_imports() -> None:
    """Nothing missing (a first build elsewhere would fail), nothing test-only declared."""
    top_level = metadata.packages_distributions()
    used: dict[str, set[str]] = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        for module in imported_modules(path):
            if (owner := distribution_of(module, top_level)) is not None:
                used.setdefault(owner, set()).add(path.relative_to(PACKAGE_DIR).as_posix())
    project = pyproject()["project"]
    required = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    extras = {
        canonicalize_name(Requirement(r).name): extra
        for extra, requirements in project["optional-dependencies"].items()
        for r in requirements
    }
    assert set(used) == required | set(extras)
    # An extra serves an optional part of its own (an extension or a command), never
    # `extensions = ["hpccourse"]`.
    for name, extra in extras.items():
        assert used[name] <= EXTRA_USERS[extra], f"{name} used by {sorted(used[name])}"


#: extra -> the modules it serves, which `extensions = ["hpccourse"]` never imports.
EXTRA_USERS = {
    "spelling": {"builders/spelling.py"},
    "live": {"preview.py"},
    # MyST pages' lines; and in `hpccourse check`, Markdown and notebooks of a course
    # whose own reader is missing (read only when myst-parser is there)
    "myst": {"directives/lines.py", "builders/notebooks.py", "builders/standins.py"},
    "diagrams": {"html/diagramrender.py"},
}


# ------------------------------------------------ a fresh venv and a course of its own


@pytest.fixture(scope="session")
def outside_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel and its declared dependencies, nothing else."""
    venv = tmp_path_factory.mktemp("outside") / "venv"
    run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    offline = [python, "-m", "pip", "install", "--no-compile", "--no-index", "--find-links"]
    offline += [WHEELHOUSE, wheel]
    if subprocess.run(offline, capture_output=True, check=False).returncode != 0:
        # First run, or new dependencies: fill the wheelhouse through pip's index.
        run([python, "-m", "pip", "download", "--dest", WHEELHOUSE, wheel])
        for ours in WHEELHOUSE.glob("sphinx_hpccourse-*"):
            ours.unlink()
        run(offline)
    return venv


def outside_env(venv: Path) -> dict[str, str]:
    """A build's environment in the fresh venv: its bin first, nothing of this repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PYTHONNOUSERSITE"] = "1"
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def copy_course(where: Path) -> Path:
    """A copy of the outside project, built where nothing of the site is near."""
    return Path(shutil.copytree(OUTSIDE, where / "course"))


def cluster_labels(course: Path) -> dict[str, str]:
    table = tomllib.loads((course / "clusters.toml").read_text(encoding="utf-8"))
    return {key: cluster["label"] for key, cluster in table["clusters"].items()}


@pytest.fixture(scope="module")
def built_course(outside_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outside course after its own `make test` (html, consolecheck, lessonrun)."""
    course = copy_course(tmp_path_factory.mktemp("built"))
    done = subprocess.run(
        ["make", "test", "SPHINXOPTS=-q -W --keep-going -n"],
        cwd=course,
        env=outside_env(outside_venv),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"make test exited {done.returncode}:\n{done.stdout}{done.stderr}"
    assert done.stderr == "", f"warnings:\n{done.stderr}"
    return course


def test_the_venv_holds_the_wheel_and_only_what_it_requires(outside_venv: Path) -> None:
    """Every distribution there is the package or reachable from its requirements."""
    script = """
import json
from importlib import metadata
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name as canon

installed = {canon(d.metadata["Name"]): d for d in metadata.distributions()}
reached, todo = set(), ["sphinx-hpccourse"]
while todo:
    name = todo.pop()
    if name in reached or name not in installed:
        continue
    reached.add(name)
    for text in installed[name].requires or ():
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            todo.append(canon(requirement.name))
print(json.dumps({"installed": sorted(installed), "reached": sorted(reached),
                  "version": installed["sphinx-hpccourse"].version}))
"""
    env = outside_env(outside_venv)
    found = json.loads(run(["python", "-c", script], env=env).stdout)
    assert found["version"] == hpccourse.__version__
    # pip (and setuptools, on Python < 3.12) come with every venv.
    extra = set(found["installed"]) - set(found["reached"]) - {"pip", "setuptools"}
    assert not extra, f"installed but not required by {DIST_NAME}: {sorted(extra)}"
    run(["python", "-m", "pip", "check"], env=env)


def test_the_venv_imports_the_installed_package(outside_venv: Path, tmp_path: Path) -> None:
    done = run(
        ["python", "-c", "import hpccourse; print(hpccourse.__file__)"],
        cwd=tmp_path,
        env=outside_env(outside_venv),
    )
    location = Path(done.stdout.strip())
    assert location.is_relative_to(outside_venv), location
    assert not location.is_relative_to(ROOT)


def test_html_has_every_cluster_and_offline_diagrams(built_course: Path) -> None:
    page = (built_course / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    labels = set(cluster_labels(built_course).values())
    tab_sets = generated_tab_sets(page)
    assert tab_sets, "no generated tab set on the page"
    for tabs in tab_sets:
        assert labels <= tabs, f"no tab for {sorted(labels - tabs)}"
    # The committed SVG, inline: no diagram script, no copy of Mermaid served.
    assert '<figure class="diagram align-center"><svg' in page and 'role="img"' in page
    assert "mermaid" not in " ".join(re.findall(r"<script\b[^>]*>", page))
    assert not (built_course / "_build" / "html" / "_static" / "mermaid").exists()


def consolecheck_report(course: Path, out: str = "consolecheck") -> list[dict]:
    report = course / "_build" / out / "report.json"
    return json.loads(report.read_text(encoding="utf-8"))["blocks"]


def test_consolecheck_checked_every_cluster(built_course: Path) -> None:
    blocks = consolecheck_report(built_course)
    assert {b["cluster"] for b in blocks if b.get("cluster")} == set(cluster_labels(built_course))
    assert {b["status"] for b in blocks} == {"ok"}


def test_lessonrun_ran_the_exercise_on_every_cluster(built_course: Path) -> None:
    report = built_course / "_build" / "lessonrun" / "report.json"
    clusters = json.loads(report.read_text(encoding="utf-8"))["clusters"]
    assert [c["cluster"] for c in clusters] == list(cluster_labels(built_course))
    for cluster in clusters:
        summary = cluster["summary"]
        assert summary["exercises"] >= 1 and summary["passed"] == summary["steps"] > 0, cluster


def sphinx_build(venv: Path, course: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sphinx-build", "-q", "-b", "consolecheck", *STRICT, *options, ".", "_build/out"],
        cwd=course,
        env=outside_env(venv),
        capture_output=True,
        text=True,
        check=False,
    )


def test_consolecheck_is_found_through_the_entry_point(outside_venv: Path, tmp_path: Path) -> None:
    """A conf.py without hpccourse: `-b consolecheck` still loads it (sphinx.builders)."""
    course = copy_course(tmp_path)
    conf = runpy.run_path(str(course / "builder-only" / "conf.py"))
    assert "hpccourse" not in conf["extensions"]
    done = sphinx_build(outside_venv, course, "-c", "builder-only")
    assert (done.returncode, done.stderr) == (0, "")
    assert consolecheck_report(course, "out"), "no console block checked"


def test_consolecheck_from_the_wheel_names_a_bad_block(outside_venv: Path, tmp_path: Path) -> None:
    course = copy_course(tmp_path)
    page = course / "index.rst"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n.. code-block:: console\n\n   $ cd <dir>\n", encoding="utf-8")
    done = sphinx_build(outside_venv, course)
    assert done.returncode == 1
    assert f"index.rst:{len(text.splitlines()) + 4}: WARNING: CC105" in done.stderr
    assert "Traceback" not in done.stderr


# ------------------------------------------------- reuse.rst's recipe, as written

RECIPE_URL = "git+https://github.com/[owner]/[repository]"


def recipe() -> list[str]:
    """The commands of reuse.rst's "Start a course", in order, as the page shows them."""
    page = (ROOT / "reuse.rst").read_text(encoding="utf-8")
    section = page.split("Start a course\n--------------\n", 1)[1].split("\n----", 1)[0]
    block = re.search(r"^\.\. code-block:: console\n\n((?:(?:   .*)?\n)+)", section, re.M)
    assert block is not None, "reuse.rst: no console block under 'Start a course'"
    lines = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    assert all(line.startswith("$ ") for line in lines), lines
    return [line.removeprefix("$ ") for line in lines]


@pytest.fixture(scope="session")
def wheelhouse_with_extras(outside_venv: Path, wheel: Path) -> Path:
    """The wheelhouse, holding the extras the recipe installs too (filled once)."""
    python = outside_venv / "bin" / "python"
    spec = f"{DIST_NAME}[live,myst] @ {wheel.as_uri()}"
    where = wheel.parent / "extras"
    probe = [python, "-m", "pip", "download", "--quiet", "--dest", where, spec]
    if subprocess.run([*probe, "--no-index", "--find-links", WHEELHOUSE], check=False,
                      capture_output=True).returncode != 0:  # fmt: skip
        run([python, "-m", "pip", "download", "--dest", WHEELHOUSE, spec])
        for ours in WHEELHOUSE.glob("sphinx_hpccourse-*"):
            ours.unlink()
    return WHEELHOUSE


def test_reuse_recipe_as_written_makes_a_course_that_passes_make_check(
    wheel: Path, wheelhouse_with_extras: Path, tmp_path: Path
) -> None:
    """Every command of the page, in a shell, in an empty folder. One change only: pip
    takes the package from the wheel (and the rest from the wheelhouse, offline) where
    the page names the repository's address."""
    commands = recipe()
    assert sum(RECIPE_URL in command for command in commands) == 1
    script = "\n".join(["set -eu", *commands]).replace(RECIPE_URL, wheel.as_uri())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    # Nothing of this repository on PATH: python3 is the machine's.
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not Path(p).is_relative_to(ROOT)
    )
    env |= {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse_with_extras)}
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{script}\n{done.stdout}{done.stderr}"
    course = tmp_path / "mycourse"
    assert (course / ".venv" / "bin" / "hpccourse").exists(), "the venv is inside the course"
    assert "WARNING" not in done.stderr and "ERROR" not in done.stderr, done.stderr
    assert "build succeeded" in done.stdout
    assert (course / "_build" / "html" / "lesson.html").exists()
    assert {b["status"] for b in consolecheck_report(course)} == {"ok"}
