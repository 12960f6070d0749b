"""Blocks per second of the cheap per-block path (classify, join, parse): ``check_text``.

Run ``python -m hpccourse.console.bench [N]`` from ``_ext/``. It reports CPU time, so other
work on the machine disturbs it less than wall time would. The target is 50,000 blocks/s
for small blocks.
"""

from __future__ import annotations

import sys
import time

from .check import check_text

SAMPLES = (
    "$ module load python/3.11.8",
    "(vpyenv) $ pip install spacy seaborn\nCollecting spacy\nSuccessfully installed spacy",
    "$ python -m venv --system-site-packages /proj/x/[username]/python/vpyenv\n"
    "$ source /proj/x/[username]/python/vpyenv/bin/activate",
    "(vpyenv) $ python\nPython 3.11.8\n>>> import spacy\n>>> ",
    "(vpyenv) $ cat > requirements.txt <<'EOF'\nnumpy==1.22.3\nEOF",
    "b-an01 [~]$ ml GCC/12.3.0 Python/3.11.3",
    "$ sbatch <batch script>",
    "pip list",
)


def blocks_per_second(count: int = 20_000, samples: tuple[str, ...] = SAMPLES) -> float:
    """Check ``count`` blocks taken round-robin from ``samples``; blocks per CPU second."""
    check_text(samples[0])  # warm up
    start = time.process_time()
    for index in range(count):
        check_text(samples[index % len(samples)])
    return count / max(time.process_time() - start, 1e-9)


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 20_000
    print(f"{blocks_per_second(count):,.0f} blocks/s (check_text, {count} blocks)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
