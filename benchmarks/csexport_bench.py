"""Benchmark: pending-export analysis against libxml2's streaming reader and ElementTree.

    .venv/bin/python benchmarks/csexport_bench.py [--objects 200000] [--repeat 1]

Generates N objects in the real csexport format (tests' fixture generator), then in one run times
- `xmllint --stream --noout` (libxml2's streaming reader: the practical floor),
- Python's xml.etree.ElementTree.iterparse counting operations (what a user would write),
- our analyser (hybrid_identity.entra_connect csexport analysis, no report files),
each in its own process, and prints objects/s, MB/s, peak RSS and the ratios to the floor.
Needs xmllint (Debian: libxml2-utils) and GNU time (Debian: time).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ETREE_SNIPPET = """
import sys
from collections import Counter
import xml.etree.ElementTree as ET
ops = Counter()
for event, element in ET.iterparse(sys.argv[1], events=("end",)):
    if element.tag == "cs-object":
        delta = element.find("unapplied-export/delta")
        if delta is not None:
            ops[delta.get("operation")] += 1
        element.clear()
print(sum(ops.values()))
"""

OURS_SNIPPET = """
import sys
sys.path.insert(0, sys.argv[2])
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import analyse
print(analyse([sys.argv[1]])["summary"]["objects"])
"""


def run_measured(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process.

    Peak RSS comes from GNU time (`/usr/bin/time -f %M`): the rusage of a child forked from this
    Python process would include the parent's memory from before exec.
    """
    with tempfile.NamedTemporaryFile("r") as rss_file:
        start = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-o", rss_file.name, "-f", "%M", *command], stdout=subprocess.DEVNULL, check=True
        )
        elapsed = time.perf_counter() - start
        return elapsed, int(rss_file.read().split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("xmllint") or not os.path.exists("/usr/bin/time"):
        print("csexport_bench: needs xmllint and GNU time (Debian: apt-get install libxml2-utils time)")
        return 2
    sys.path.insert(0, str(ROOT / "tests" / "unit" / "plugins" / "plugin_utils" / "csexport"))
    from csexport_fixtures import write

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "contoso.onmicrosoft.com - AAD.xml")
        write(path, args.objects)
        size_mb = os.path.getsize(path) / 1e6
        print(f"file: {args.objects:,} objects, {size_mb:,.1f} MB")
        commands = {
            "xmllint --stream": ["xmllint", "--stream", "--noout", path],
            "ElementTree iterparse": [sys.executable, "-c", ETREE_SNIPPET, path],
            "csexport analysis (ours)": [sys.executable, "-c", OURS_SNIPPET, path, str(ROOT / ".collections")],
        }
        results = {}
        for name, command in commands.items():
            runs = [run_measured(command) for _round in range(args.repeat)]
            results[name] = (min(r[0] for r in runs), max(r[1] for r in runs))
        floor = results["xmllint --stream"][0]
        for name, (seconds, rss) in results.items():
            print(
                f"{name:<26} {seconds:8.2f}s  {args.objects / seconds:>10,.0f} objects/s  "
                f"{size_mb / seconds:7.1f} MB/s  peak RSS {rss / 1024:7.1f} MB  ratio {seconds / floor:5.2f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
