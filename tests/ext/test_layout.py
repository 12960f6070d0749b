"""The package's architecture: Sphinx-free cores, one-way data flow, no import cycles,
and a README and package docstring that describe the tree as it is."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "_ext" / "hpccourse"

#: Parts that must load without Sphinx or docutils (a CLI, the benchmarks, other tools).
SPHINX_FREE = ("table", "console", "lessonrun", "migrate")
#: part -> parts it may import (data flows table -> directives -> doctree -> builders).
ALLOWED = {
    "table": set(),
    "console": set(),
    "lessonrun": {"console", "table"},
    "migrate": {"console", "table"},
    "doctree": {"console", "lessonrun"},
    "diagnostics": set(),
    "directives": {"table", "html", "console", "doctree", "diagnostics"},
    "html": {"table", "directives", "diagnostics", "console"},
    "builders": {"table", "console", "lessonrun", "doctree", "directives", "diagnostics"},
}


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def module_level_imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports when it is imported (not inside
    functions or ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                out.update(a.name for a in node.names if a.name.startswith("hpccourse"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                if not target.startswith("hpccourse"):
                    continue
                out.add(target)
                out.update(f"{target}.{a.name}" for a in node.names)
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(getattr(node, "orelse", []))

    visit(tree.body)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {
        name: {m for m in module_level_imports(name, path) if m in mods and m != name}
        for name, path in mods.items()
    }


def part(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else None


def test_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node)


def test_data_flows_one_way_between_the_parts() -> None:
    wrong = []
    for name, targets in graph().items():
        mine = part(name)
        if mine is None:
            continue
        for target in targets:
            theirs = part(target)
            if theirs and theirs != mine and theirs not in ALLOWED[mine]:
                wrong.append(f"{name} imports {target}")
    assert not wrong, wrong


def test_every_part_is_known_to_the_flow_rules() -> None:
    parts = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert parts == set(ALLOWED)


def test_the_cores_load_without_sphinx_or_docutils() -> None:
    names = [n for n in modules() if part(n) in SPHINX_FREE]
    script = (
        "import importlib, sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('sphinx', 'docutils'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"sys.path.insert(0, {str(PACKAGE.parent)!r})\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(len(sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(names) > len(SPHINX_FREE)  # the parts' modules, not only their packages


def layout_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Layout", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    "part_name", sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
)
def test_readme_and_package_docstring_name_every_part(part_name: str) -> None:
    docstring = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text()))
    assert f"``{part_name}/``" in (docstring or "")
    assert f"    {part_name}/" in layout_section()


def test_the_readme_layout_names_only_what_exists() -> None:
    named = []
    for line in layout_section().splitlines():
        if line.startswith("    ") and not line.startswith("     "):
            first = line.split()[0]
            if first.endswith(("/", ".py")):
                named.append(first)
    assert named
    missing = [name for name in named if not (PACKAGE / name).exists()]
    assert not missing, missing
