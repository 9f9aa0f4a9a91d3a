"""Every module, filter and role documents examples, and those examples run, as written, on the lab.

Module and filter examples (the EXAMPLES of plugins/*/<name>.yml, what ansible-doc shows) become
the tasks of one play over the hosts named below; role examples are the playbooks in each role's
README. Each runs on its own copy of a freshly reset lab inventory and must succeed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from lab_runs import ROOT, make_inventory, reset, run_playbook

# Where each documented example runs: the hosts of its play (modules and filters) and which lab.
# "lab" is inventories/lab (aadc01 active, aadc02 staging, aadc03 declared but not installed);
# "pair" is the same lab with aadc01 and aadc02 only (their declared roles as they are).
TARGETS = {
    "modules/auto_upgrade": ("aadc02", "lab"),
    "modules/config_compare": ("aadc01:aadc02", "lab"),
    "modules/csexport": ("aadc02", "lab"),
    "modules/csexport_analyze": ("aadc02", "lab"),
    "modules/import_settings": ("aadc01:aadc03", "lab"),
    "modules/installer": ("aadc03", "lab"),
    "modules/lab_reset": ("entra_connect", "lab"),
    "modules/prerequisites": ("aadc03", "lab"),
    "modules/run_report": ("entra_connect", "lab"),
    "modules/scheduler": ("aadc02", "lab"),
    "modules/server_info": ("entra_connect", "lab"),
    "modules/server_record": ("aadc02", "lab"),
    "modules/settings_export": ("aadc01:aadc02", "lab"),
    "modules/staging_mode": ("aadc01:aadc02", "lab"),
    "modules/sync_cycle": ("aadc01:aadc02", "lab"),
    "modules/sync_rule": ("aadc02", "lab"),
    "modules/sync_rules": ("aadc02", "lab"),
    "modules/sync_rules_info": ("aadc02", "lab"),
    "filter/built_server_problems": ("aadc02", "lab"),
    "filter/build_steps": ("aadc02", "lab"),
    "filter/by_host": ("entra_connect", "lab"),
    "filter/csexport_gates": ("aadc02", "lab"),
    "filter/gates": ("localhost", "lab"),
    "filter/run_id": ("localhost", "lab"),
    "filter/switch_failure": ("localhost", "lab"),
    "filter/switch_outcome": ("localhost", "lab"),
    "filter/upgrade_plan": ("localhost", "lab"),
    "filter/import_tasks": ("aadc01:aadc02", "lab"),
    "filter/inventory_problems": ("entra_connect", "lab"),
    "filter/inventory_scope": ("entra_connect", "lab"),
    "filter/servers_by_role": ("entra_connect", "lab"),
    "filter/switch_plan": ("localhost", "lab"),
    "filter/sync_rules_targets": ("aadc01:aadc02", "lab"),
    "filter/switch_intent": ("localhost", "lab"),
    "filter/switch_intent_record": ("localhost", "lab"),
    "filter/verdict": ("aadc01:aadc02", "lab"),
    "filter/version_policy": ("localhost", "lab"),
    "filter/server_support": ("aadc01", "lab"),
    "roles/backup": (None, "lab"),
    "roles/preflight": (None, "lab"),
    "roles/staging_server": (None, "lab"),
    "roles/switch": (None, "pair"),
    "roles/upgrade": (None, "pair"),
    "roles/verify": (None, "lab"),
}
PAIR = {"aadc01": "active", "aadc02": "staging"}


def documented() -> list[str]:
    plugins = [
        f"{p.parent.name}/{p.stem}" for kind in ("modules", "filter") for p in (ROOT / "plugins" / kind).glob("*.yml")
    ]
    roles = [f"roles/{p.parent.parent.name}" for p in (ROOT / "roles").glob("*/meta/argument_specs.yml")]
    return sorted(plugins + roles)


def test_every_module_filter_and_role_has_examples_that_this_test_runs():
    assert documented() == sorted(TARGETS), "add the new plugin or role to TARGETS (and give it examples)"


def example_playbook(name: str) -> list[dict]:
    hosts = TARGETS[name][0]
    if name.startswith("roles/"):
        text = (ROOT / name / "README.md").read_text()
        blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
        assert blocks, f"{name}/README.md has no yaml example"
        return [play for block in blocks for play in yaml.safe_load(block)]
    doc = yaml.safe_load((ROOT / "plugins" / f"{name}.yml").read_text())
    tasks = yaml.safe_load(doc["EXAMPLES"])
    assert tasks, f"{name}.yml has no EXAMPLES"
    plugin = name.split("/")[1]
    assert any(f"hybrid_identity.entra_connect.{plugin}" in yaml.safe_dump(t) for t in tasks), (
        f"{name}: the examples never use it"
    )
    return [{"name": f"Documented examples of {name}", "hosts": hosts, "gather_facts": False, "tasks": tasks}]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """Freshly reset copies of the two labs, copied again for each example."""
    base = tmp_path_factory.mktemp("pristine")
    labs = {"lab": make_inventory(base / "lab"), "pair": make_inventory(base / "pair", declared=PAIR)}
    for inventory in labs.values():
        assert reset(inventory).rc == 0
    return labs


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_documented_examples_run_on_the_lab(name, pristine, tmp_path):
    source = pristine[TARGETS[name][1]]
    shutil.copytree(source.parent.parent, tmp_path / "copy")
    inventory = tmp_path / "copy" / "inventories" / source.name
    playbook = tmp_path / "copy" / "examples.yml"
    playbook.write_text(yaml.safe_dump(example_playbook(name), sort_keys=False))
    result = run_playbook(inventory, Path(playbook))
    assert result.rc == 0, f"{name}:\n{result.output[-4000:]}"
    assert "failed=0" in result.output and "unreachable=0" in result.output
