"""Rule drift per rule, with whether sync_rules fixes it (the verify report's table)."""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._drift import rule_drift


def difference(category, obj="Inbound | contoso.com | A", field="precedence", reference=40, candidate=45):
    return {"category": category, "object": obj, "field": field, "reference": reference, "candidate": candidate}


def test_rule_drift_says_which_differences_sync_rules_fixes():
    rows = rule_drift(
        [
            difference("sync_rule.custom.changed"),
            difference("sync_rule.standard.disabled", field="disabled", reference=True, candidate=False),
            difference("sync_rule.standard.modified", field="flows"),
            difference("sync_rule.standard.version", field="immutable_tag"),
            difference("connector.attributes", obj="contoso.com"),
        ]
    )
    assert [(r["rule"], r["field"], r["fixable"]) for r in rows] == [
        ("Inbound | contoso.com | A", "precedence", True),
        ("Inbound | contoso.com | A", "disabled", True),
        ("Inbound | contoso.com | A", "flows", False),
        ("Inbound | contoso.com | A", "immutable_tag", False),
    ]
    assert rows[0]["fix"] == "yes: the sync_rules playbook converges it"
    assert "reset on upgrade" in rows[2]["fix"]
