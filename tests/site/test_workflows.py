"""The repository's CI files: valid YAML, every `make` target they call exists, and every
action they use is pinned by commit."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CI_SCRIPT = ROOT / ".ci" / "run"
# `uses: OWNER/REPO[/PATH]@SHA # vX.Y.Z`: a full commit SHA, the release tag beside it.
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)@([0-9a-f]{40})\s+#\s*(v\d+(?:\.\d+)*)\s*$")
# A rule line: `target other: prerequisites` (not a `VAR := value` assignment).
RULE = re.compile(r"^([A-Za-z0-9_.-]+(?:[ \t]+[A-Za-z0-9_.-]+)*)[ \t]*:(?![=:])", re.MULTILINE)


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {target for line in RULE.findall(text) for target in line.split()}


def make_targets_called(script: str) -> list[str]:
    """The targets of each `make ...` command in a shell script (no options or VAR=x)."""
    targets = []
    for line in script.splitlines():
        line = re.sub(r"(^|\s)#.*", "", line)  # a comment, not ${#array[@]}
        for command in re.split(r"&&|\|\||;|\|", line):
            if not re.match(r"\s*make(\s|$)", command):
                continue
            args = iter(shlex.split(command)[1:])
            for word in args:
                if word in {"-C", "-f", "-j"}:
                    next(args, None)  # the option's value
                elif not word.startswith("-") and "=" not in word:
                    targets.append(word)
    return targets


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a YAML mapping"
    return data


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The `on:` mapping (YAML 1.1 reads a bare `on` key as True)."""
    on = workflow.get("on", workflow.get(True))
    return on if isinstance(on, dict) else {name: None for name in on}


def run_scripts(workflow: dict[Any, Any]) -> list[str]:
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def test_there_are_workflows() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"site.yml", "linkcheck.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_valid_yaml_with_jobs_and_steps(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("name")
    assert triggers(workflow)
    for name, job in workflow["jobs"].items():
        assert "runs-on" in job, f"job {name} says not where it runs"
        assert job["steps"], f"job {name} has no steps"
        for step in job["steps"]:
            assert ("run" in step) != ("uses" in step), f"job {name}: {step}"


@pytest.mark.parametrize("path", [*WORKFLOWS, CI_SCRIPT], ids=lambda p: p.name)
def test_every_make_target_called_exists(path: Path) -> None:
    if path.suffix == ".yml":
        scripts = run_scripts(load(path))
    else:
        scripts = [path.read_text(encoding="utf-8")]
    called = [target for script in scripts for target in make_targets_called(script)]
    assert called or path.name == "linkcheck.yml", f"{path.name} calls no make target"
    missing = sorted(set(called) - makefile_targets())
    assert not missing, f"{path.name} calls make targets the Makefile lacks: {missing}"


def uses_of(workflow: dict[Any, Any]) -> list[str]:
    return [
        step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_a_full_commit_sha(path: Path) -> None:
    """A tag can be moved to other code; a commit cannot."""
    for uses in uses_of(load(path)):
        action, _, ref = uses.partition("@")
        assert re.fullmatch(r"[\w.-]+/[\w./-]+", action), f"{path.name}: {uses!r}"
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{path.name}: {uses!r} is not pinned by SHA"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_pin_names_its_release_tag(path: Path) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert len(lines) == len(uses_of(load(path)))
    for line in lines:
        assert PINNED_USES.match(line), f"{path.name}: {line.strip()!r} lacks `@SHA # vX.Y.Z`"


def test_one_action_has_one_pin_in_every_workflow() -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if match := PINNED_USES.match(line):
                action, sha, tag = match.groups()
                pins.setdefault(action, set()).add((sha, tag))
    assert pins
    for action, found in pins.items():
        assert len(found) == 1, f"{action} is pinned differently: {sorted(found)}"


def test_scripts_the_workflows_run_exist_and_are_executable() -> None:
    for path in WORKFLOWS:
        for script in run_scripts(load(path)):
            for word in re.findall(r"(?<![\w/])\.ci/[\w.-]+", script):
                assert (ROOT / word).is_file(), f"{path.name} runs missing {word}"
                assert (ROOT / word).stat().st_mode & 0o111, f"{word} is not executable"


def test_site_workflow_tests_every_push_and_deploys_only_main() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "site.yml")
    assert {"push", "pull_request"} <= set(triggers(workflow))
    steps = " ".join(run_scripts(workflow))
    for command in ("make html", "make consolecheck", ".ci/run"):
        assert command in steps
    assert "-W" in steps
    deploy = workflow["jobs"]["deploy"]
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"]
    assert any("deploy-pages" in step.get("uses", "") for step in deploy["steps"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_linkcheck_runs_weekly_and_can_only_fail_visibly() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "linkcheck.yml")
    schedule = triggers(workflow)["schedule"]
    _minute, _hour, day, month, weekday = schedule[0]["cron"].split()
    assert (day, month) == ("*", "*") and weekday != "*", "not weekly"
    assert workflow["permissions"] == {"contents": "read"}, "may write: it must open nothing"
    assert "make linkcheck" in " ".join(run_scripts(workflow))


def test_read_the_docs_builds_the_same_site() -> None:
    config = load(ROOT / ".readthedocs.yaml")
    assert config["version"] == 2
    assert config["sphinx"]["configuration"] == "conf.py"
    assert config["sphinx"]["fail_on_warning"] is True
    install = config["python"]["install"]
    # The hash-checked lock first, then this repository's package (as `make venv` does).
    assert install[0] == {"requirements": "requirements.txt"}
    assert install[1] == {"method": "pip", "path": "."}
    assert len(install) == 2
    assert all((ROOT / name).is_file() for name in ["conf.py", "requirements.txt"])


def test_the_weekly_workflow_refreshes_the_wheel_record_and_fails_when_it_changed() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "linkcheck.yml")
    steps = run_scripts(workflow)
    refresh = next(i for i, step in enumerate(steps) if "make wheels-record" in step)
    assert any("diff --exit-code wheels.lock.json" in step for step in steps[refresh:])


# ------------------------------------------------------------------ supply chain (issue 19.9)

#: `IMAGE@sha256:<64 hex>`: a digest names one image for good; a tag can be moved.
BY_DIGEST = re.compile(r"[\w./-]+(?::[\w.-]+)?@sha256:[0-9a-f]{64}")


def containers_of(workflow: dict[Any, Any]) -> list[str]:
    images = []
    for job in workflow["jobs"].values():
        container = job.get("container")
        if container is not None:
            images.append(container["image"] if isinstance(container, dict) else container)
    return images


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_container_is_pinned_by_digest(path: Path) -> None:
    for image in containers_of(load(path)):
        assert BY_DIGEST.fullmatch(image), f"{path.name}: container {image!r} is not by digest"


def test_the_jobs_share_one_container_digest() -> None:
    images = {image for path in WORKFLOWS for image in containers_of(load(path))}
    assert len(images) == 1, f"the workflows pin different containers: {sorted(images)}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_leaves_no_token_behind(path: Path) -> None:
    """The pull request's conf.py and lessons run as root after checkout: no token in
    .git/config for them to read."""
    checkouts = [
        step
        for job in load(path)["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, (
            f"{path.name}: actions/checkout without persist-credentials: false"
        )


def lock_recipe() -> list[str]:
    """The commands of the Makefile's `lock` target, continuation lines joined."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^lock:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert match, "the Makefile has no lock target"
    return [line.strip() for line in match.group(1).splitlines()]


def test_make_lock_installs_its_tools_from_hashes() -> None:
    installs = [line for line in lock_recipe() if re.search(r"\bpip install\b", line)]
    assert installs, "make lock installs nothing: where does pip-tools come from?"
    for line in installs:
        words = shlex.split(line)
        assert "--require-hashes" in words, f"unhashed install in make lock: {line}"
        after = words[words.index("install") + 1 :]
        files = [after[i + 1] for i, word in enumerate(after) if word in {"-r", "--requirement"}]
        named = [w for w in after if not w.startswith("-") and w not in files]
        assert files and not named, f"make lock installs by name, not from a hashed file: {line}"
        for name in files:
            assert (ROOT / name).is_file(), f"make lock installs from missing {name}"


#: One requirement of a hashed lock file: `NAME==VERSION \` then its `--hash=` lines.
LOCKED = re.compile(
    r"^([A-Za-z0-9][\w.-]*)==(\S+)((?:[ \t]*\\\n[ \t]*--hash=sha256:[0-9a-f]{64})+)", re.M
)


def test_the_lock_tools_file_pins_pip_tools_and_its_dependencies_with_hashes() -> None:
    text = (ROOT / "tools" / "lock-requirements.txt").read_text(encoding="utf-8")
    requirements = [line for line in text.splitlines() if re.match(r"[A-Za-z0-9]", line)]
    pins = {name.lower(): version for name, version, _hashes in LOCKED.findall(text)}
    assert "pip-tools" in pins, "tools/lock-requirements.txt pins no pip-tools"
    # Every requirement line is a pin with at least one hash (pip refuses the file otherwise
    # under --require-hashes; this says which line before anyone runs make lock).
    assert len(requirements) == len(pins), f"unpinned or unhashed: {requirements}"
    for dependency in ("click", "build", "pip"):  # pip-tools' own needs, pinned too
        assert dependency in pins, f"{dependency} is not pinned"
