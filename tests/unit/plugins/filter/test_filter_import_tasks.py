"""The import_tasks filter plugin (plugins/filter/import_tasks.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from jinja2 import StrictUndefined

from ansible_collections.hybrid_identity.entra_connect.plugins.filter.import_tasks import FilterModule as TasksFilter
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._limitations import import_tasks


def difference(category, obj, field, reference, candidate):
    return {"category": category, "object": obj, "field": field, "reference": reference, "candidate": candidate}


def test_import_tasks_turn_import_limitations_into_operator_actions():
    comparison = {
        "differences": [
            difference("sync_rule.custom.changed", "Inbound | contoso.com | Custom A", "precedence", 150, 200),
            difference("sync_rule.custom.changed", "Inbound | contoso.com | Custom B", "disabled", True, False),
            difference("connector.run_profiles", "contoso.com", "run_profiles", ["Nightly"], []),
            difference("global_setting", "Microsoft.OptionalFeature.DeviceWriteBack", "value", "True", "False"),
            difference("global_setting", "Microsoft.Synchronize.StagingMode", "value", "False", "True"),
            difference("sync_rule.standard.version", "Outbound | AAD | Out", "immutable_tag", "x.005", "x.006"),
        ]
    }
    tasks = TasksFilter().filters()["import_tasks"](comparison)
    assert [t["action"] for t in tasks] == [
        "Synchronization Rules Editor > 'Custom A' > Edit: set Precedence to 150",
        "Synchronization Rules Editor > 'Custom B' > Disable",
        "wizard > Customize synchronization options > Optional features: Device writeback",
        "Synchronization Service > Connectors > contoso.com > Configure Run Profiles: create ['Nightly']",
    ]
    # rule differences are what the collection re-applies with the rule cmdlets (sync_rules)
    assert [t["reapplicable"] for t in tasks] == [True, True, False, False]
    assert "sync_rules playbook" in tasks[0]["reason_not_reapplied"]
    assert import_tasks({"differences": []}) == []
    with pytest.raises(AnsibleFilterError, match="expects the registered result of config_compare"):
        TasksFilter().filters()["import_tasks"]("nope")


def test_built_server_problems_wraps_the_build_check():
    check = TasksFilter().filters()["built_server_problems"]
    new = {"installed": False, "configured": False}
    staging = {"configured": True, "staging_mode_enabled": True, "engine_version": "2.5.190.0", "service": None}
    assert check(staging, "aadc03", new, "2.5.190.0") == []
    with pytest.raises(AnsibleFilterError, match="before is NoneType"):
        check(staging, "aadc03", None, "2.5.190.0")
    # What ansible-lint templates with (and a read that never ran): said to be undefined, not a type name.
    with pytest.raises(AnsibleFilterError, match="_input is undefined"):
        check(StrictUndefined(name="_staging_server_final"), "aadc03", new, "2.5.190.0")
