"""Benchmark: what a task's worker process pays to import the collection's code, with and without
the controller having imported it before the fork.

    .venv/bin/python benchmarks/worker_imports_bench.py [--workers 20]

Ansible forks a worker per task and host; the collection loader compiles a module's source each
time a process first imports it (it keeps no bytecode). plugins/plugin_utils/_action.py imports
both backends and the decision packages at its top, and the strategy loads every action plugin in
the controller's main process before it forks, so a worker inherits them. This script measures
that mechanism with Ansible's own collection loader, in one run:

- reference: the controller process has imported only what _action.py imported before (the
  errors and the server facade); each forked worker then imports the lab backend and the
  decision packages, as every lab task's worker did;
- now: the controller has imported plugin_utils._action; each forked worker runs the same imports.

Prints the mean worker time of each (over --workers forks) and their ratio.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils"
#: What a lab task's worker imports: the backend it builds and what the filters call.
WORKER_IMPORTS = [
    f"{PACKAGE}.{name}" for name in ("lab", "lab.settings", "backup", "build", "report", "switch", "syncrules")
]
#: What _action.py imported at its top before the preload.
BEFORE = [f"{PACKAGE}._errors", f"{PACKAGE}.server._facade"]


def install_loader() -> None:
    """Ansible's collection finder over the repository's collection link, as ansible-playbook installs it."""
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    _AnsibleCollectionFinder(paths=[str(ROOT / ".collections")], scan_sys_paths=False)._install()


def worker_seconds(workers: int) -> float:
    """Mean wall time of `workers` forked children each importing WORKER_IMPORTS."""
    total = 0.0
    for worker in range(workers):  # noqa: B007 (each pass forks one)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            start = time.perf_counter()
            for name in WORKER_IMPORTS:
                importlib.import_module(name)
            os.write(write, repr(time.perf_counter() - start).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            total += float(pipe.read())
        os.waitpid(pid, 0)
    return total / workers


def measure(preload: list[str], workers: int) -> float:
    """Run one case in a fresh interpreter (so the other case's imports do not count)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        install_loader()
        for name in preload:
            importlib.import_module(name)
        os.write(write, repr(worker_seconds(workers)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        seconds = float(pipe.read())
    os.waitpid(pid, 0)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20)
    args = parser.parse_args()
    if sys.modules.get("ansible_collections"):
        raise SystemExit("run this script directly, not from a process that imported the collection")
    reference = measure(BEFORE, args.workers)
    now = measure([f"{PACKAGE}._action"], args.workers)
    print(f"worker imports, mean of {args.workers} forked workers:")
    print(f"  reference (imported in the worker)   {reference * 1000:8.1f} ms")
    print(f"  now (imported by the controller)     {now * 1000:8.1f} ms")
    print(f"  ratio reference/now                  {reference / max(now, 1e-9):8.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
