"""Benchmark: configuration comparison against `xmllint --noout` over the same files.

    .venv/bin/python benchmarks/config_bench.py [--connectors 10] [--rules 2000] [--repeat 3]

Two workloads, each measured in one run beside its floor:
- the Contoso pair (the real export, compared with a copy of itself);
- a generated large configuration: N connectors (Contoso's AD connector cloned, plus the Entra
  connector) and M rules (Contoso's rules cloned over those connectors), compared with a copy.
The floor is libxml2 itself (`xmllint --noout` over both sides' files, one process): parsing is the
least any comparison must do. Prints seconds (best of --repeat) and the ratio to the floor.
Needs xmllint (Debian: libxml2-utils).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".collections"))

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig import (  # noqa: E402
    compare_configurations,
)

# The Contoso export is stored once, as the lab's runtime template (MIT; SOURCE.md and LICENSE.txt there).
CONTOSO = ROOT / "plugins" / "plugin_utils" / "lab" / "templates" / "server-configuration"
AD_ID = "{AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D}"


def generate(target: Path, connectors: int, rules: int) -> None:
    """A configuration with `connectors` connectors and `rules` sync rules, from Contoso's files."""
    (target / "Connectors").mkdir(parents=True)
    (target / "SynchronizationRules").mkdir()
    (target / "GlobalSettings").mkdir()
    shutil.copy(CONTOSO / "GlobalSettings" / "MV.xml", target / "GlobalSettings" / "MV.xml")
    ad_source = next((CONTOSO / "Connectors").glob("*ae4db4cc*"))
    entra_source = next((CONTOSO / "Connectors").glob("*b891884f*"))
    shutil.copy(entra_source, target / "Connectors" / entra_source.name)
    ad_ids = []
    for index in range(connectors - 1):
        tree = etree.parse(str(ad_source))
        new_id = "{" + str(uuid.UUID(int=index + 1)).upper() + "}"
        tree.getroot().find("id").text = new_id
        tree.getroot().find("name").text = f"forest{index:02d}.contoso.com"
        tree.write(str(target / "Connectors" / f"Connector_{new_id}.xml"), encoding="utf-8")
        ad_ids.append(new_id)
    sources = sorted((CONTOSO / "SynchronizationRules").glob("*.xml"))
    for index in range(rules):
        tree = etree.parse(str(sources[index % len(sources)]))
        root = tree.getroot()
        rule_id = "{" + str(uuid.UUID(int=10_000 + index)) + "}"
        root.find("id").text = rule_id
        root.find("internal-id").text = rule_id
        root.find("name").text = f"{root.findtext('name')} #{index}"
        if root.findtext("connector").upper() == AD_ID:
            root.find("connector").text = ad_ids[index % len(ad_ids)]
        tree.write(str(target / "SynchronizationRules" / f"SynchronizationRule_{rule_id}.xml"), encoding="utf-8")


def xml_files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.xml"))


def best_of(repeat: int, action) -> float:
    times = []
    for _round in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(label: str, reference: Path, candidate: Path, repeat: int) -> None:
    files = xml_files(reference) + xml_files(candidate)
    size = sum(os.path.getsize(f) for f in files)

    def floor() -> None:
        subprocess.run(["xmllint", "--noout", *files], check=True)

    def ours() -> None:
        result = compare_configurations(str(reference), str(candidate))
        assert result["summary"]["difference_count"] == 0, result["summary"]

    floor_s = best_of(repeat, floor)
    ours_s = best_of(repeat, ours)
    print(
        f"{label:<32} files={len(files):>5} MB={size / 1e6:7.1f}  "
        f"xmllint={floor_s:7.3f}s  config_compare={ours_s:7.3f}s  ratio={ours_s / floor_s:5.2f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connectors", type=int, default=10)
    parser.add_argument("--rules", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("xmllint"):
        print("config_bench: xmllint not found; install it (Debian: apt-get install libxml2-utils)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(CONTOSO, work / "contoso-candidate")
        measure("contoso (2 connectors, 62 rules)", CONTOSO, work / "contoso-candidate", args.repeat)
        generate(work / "large-reference", args.connectors, args.rules)
        shutil.copytree(work / "large-reference", work / "large-candidate")
        measure(
            f"generated ({args.connectors} connectors, {args.rules} rules)",
            work / "large-reference",
            work / "large-candidate",
            args.repeat,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
