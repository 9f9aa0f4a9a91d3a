"""Benchmark: a full synchronization of the lab's sync engine at 100,000 objects.

    .venv/bin/python benchmarks/lab_bench.py [--objects 100000] [--repeat 3]

Builds a lab world of N objects (90% users, 7% groups, 3% contacts), imports it into one emulated
server, then times `Full Synchronization` on the AD connector (inbound projection, outbound
flows, pending exports against the tenant) through the real LabBackend, state file and lock
included. Prints objects per second (best of --repeat) and, as the reference measured in the same
run, the time of one `json.dumps` + `json.loads` round trip of the same objects (the least any
state-keeping emulator pays to touch each object once), with the ratio of the two.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".collections"))

from config_bench import best_of as best  # noqa: E402

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend  # noqa: E402
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.directory import (  # noqa: E402
    base_directory,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import (  # noqa: E402
    read_settings,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import Server  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    users, groups = int(args.objects * 0.9), int(args.objects * 0.07)
    size = {"users": users, "groups": groups, "contacts": args.objects - users - groups}
    host_vars = {"entra_connect_lab_size": size, "entra_connect_lab_cycle_polls": 0}
    with tempfile.TemporaryDirectory() as lab:
        settings = read_settings("aadc01", host_vars)
        server = Server(LabBackend(lab, settings), "aadc01")
        start = time.perf_counter()
        state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)  # creates, imports, syncs
        setup = time.perf_counter() - start
        objects = state["connectors"][0]["statistics"]["total_connector_count"]
        sync = best(
            args.repeat,
            lambda: server.call(
                "Invoke-EntraConnectRunProfile", ConnectorName="contoso.com", RunProfileName="Full Synchronization"
            ),
        )
        directory = list(base_directory(settings.world).values())
        reference = best(args.repeat, lambda: json.loads(json.dumps(directory)))
    print(f"objects in the AD connector space: {objects}")
    print(f"server creation (full import + full sync of both connectors): {setup:.2f} s")
    print(f"full synchronization: {sync:.3f} s = {objects / sync:,.0f} objects/s (best of {args.repeat})")
    print(f"reference, JSON round trip of the same objects: {reference:.3f} s = {objects / reference:,.0f} objects/s")
    print(f"ratio full synchronization / JSON round trip: {sync / reference:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
