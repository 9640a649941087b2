"""The local run's benchmark: `./rapport up` (python -m services) from launch to healthy, and its memory.

    .venv/bin/python bench/local_run.py [--repo PATH] [--runs 2]

Starts the whole product on embedded defaults in a fresh data folder (cold: initdb, every
migration, topics), waits for its banner (printed once every service answers /healthz), stops it
with Ctrl-C, then starts it again on the same folder (warm). Prints, per start, the seconds to
healthy, and the whole process tree's peak memory while it starts and answers: the sum of RSS
(counts pages shared between forked processes once per process) and the sum of PSS (shares
them out: what the run really takes). --repo measures another checkout (e.g. an older commit in a
git worktree) with this interpreter, so two versions compare in one run on the same machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BANNER_END = "Ctrl-C stops everything"


def tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) in bytes, summed over `root` and all its descendants."""
    rss = pss = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss, pss = rss + info.rss, pss + info.pss
    return rss, pss


def one_start(repo: Path, data_dir: Path, settle: float) -> tuple[float, int, int]:
    """Seconds from launch to the banner, and the peak (RSS, PSS) until `settle` s after it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(RAPPORT_DATA_DIR=str(data_dir), PYTHONPATH=str(repo))
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "services"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    root, peak, done = psutil.Process(proc.pid), [0, 0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = tree_memory(root)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        for line in proc.stdout:
            if BANNER_END in line:
                break
        else:
            raise SystemExit(f"the local run in {repo} exited before it was healthy (code {proc.wait()})")
        healthy = time.monotonic() - started
        time.sleep(settle)  # consumers, relays and the sender settle into their loops
    finally:
        done.set()
        sampler.join()
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    return healthy, peak[0], peak[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout to run (default: this one)")
    parser.add_argument("--runs", type=int, default=2, help="cold+warm pairs, each in a fresh folder")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds measured after the banner")
    args = parser.parse_args()
    mib = 2**20
    print(f"local run of {args.repo.resolve()}")
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="rapport-bench-up-") as tmp:
            for kind in ("cold", "warm"):
                seconds, rss, pss = one_start(args.repo.resolve(), Path(tmp) / "var", args.settle)
                print(
                    f"  run {run + 1} {kind}: healthy in {seconds:5.1f} s   peak RSS sum {rss / mib:6.0f} MiB   "
                    f"peak PSS sum {pss / mib:6.0f} MiB",
                    flush=True,
                )


if __name__ == "__main__":
    main()
