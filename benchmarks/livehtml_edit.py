"""The live preview's edit-to-page time: how long after saving a lesson the page shows it.

Runs ``make livehtml`` on a copy of the project (in a temporary folder), waits for the
first build, then N times appends a new word to ``isolated.rst`` and polls the served page
every 10 ms until it shows the word. Prints each time and the median; asserts nothing
(timings are measured, never tested).

Usage: ``.venv/bin/python benchmarks/livehtml_edit.py [N] [autobuild]``; with
``autobuild``, the same edits against plain ``sphinx-autobuild`` (a new Python per
rebuild: what ``make livehtml`` ran before), for a side-by-side figure.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORED = shutil.ignore_patterns(".venv", ".git", "_build", "tests", "__pycache__", ".*cache")


def page_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return html.unescape(re.sub(r"<[^>]*>", "", response.read().decode("utf-8")))
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
        return ""  # not up yet, or the page is being written


def wait_for(url: str, word: str, seconds: float) -> float:
    start = time.monotonic()
    while word not in page_text(url):
        if time.monotonic() - start > seconds:
            raise SystemExit(f"{url} did not show {word!r} within {seconds} s")
        time.sleep(0.01)
    return time.monotonic() - start


PLAIN = (
    ".venv/bin/sphinx-autobuild -b html -d _build/doctrees-livehtml -n --keep-going "
    "--host 127.0.0.1 --port {port} --watch clusters.toml --watch diagrams "
    "--ignore tests . _build/livehtml"
)


def main(edits: int, plain: bool) -> None:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        copy = Path(tmp, "site")
        shutil.copytree(ROOT, copy, ignore=IGNORED)
        (copy / ".venv").mkdir()
        for name in ("bin", "lib", "pyvenv.cfg"):
            (copy / ".venv" / name).symlink_to(ROOT / ".venv" / name)
        (copy / ".venv" / ".installed").touch()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        command = ["make", "-C", str(copy), "livehtml", f"LIVEHTML_PORT={port}"]
        if plain:
            command = ["sh", "-c", f"cd {copy} && exec {PLAIN.format(port=port)}"]
        server = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/isolated.html"
            wait_for(url, "pip list", 300)
            time.sleep(1)
            lesson = copy / "isolated.rst"
            times = []
            for i in range(edits):
                word = f"Editloopword{i}"
                text = lesson.read_text(encoding="utf-8")
                start = time.monotonic()
                lesson.write_text(text + f"\n{word} here.\n", encoding="utf-8")
                wait_for(url, word, 60)
                times.append(time.monotonic() - start)
                time.sleep(1)
            print("edit-to-page seconds:", " ".join(f"{t:.2f}" for t in times))
            print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10, "autobuild" in sys.argv[2:])
