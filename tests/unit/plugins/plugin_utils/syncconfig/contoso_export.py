"""Builders for configuration-comparison tests: copies of the Contoso export, edited with lxml."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from lxml import etree

# The Contoso export is stored once, as the lab's runtime template (MIT; SOURCE.md and LICENSE.txt there).
DATA = Path(__file__).resolve().parents[5] / "plugins" / "plugin_utils" / "lab" / "templates" / "server-configuration"
AD_CONNECTOR = "Connectors/Connector_{ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d}.xml"
AAD_CONNECTOR = "Connectors/Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml"
MV = "GlobalSettings/MV.xml"
# "In from AD - User Join", a standard inbound rule on contoso.com.
USER_JOIN_RULE = "SynchronizationRules/SynchronizationRule_{0b088913-b613-4d9d-9563-9988b7719ed6}.xml"


class Export:
    """A writable copy of the Contoso export."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __str__(self) -> str:
        return str(self.root)

    def edit(self, relpath: str, change: Callable[[etree._Element], None]) -> None:
        path = self.root / relpath
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        change(tree.getroot())
        tree.write(str(path), xml_declaration=False, encoding="utf-8")

    def add_rule(
        self, name: str, precedence: int, tag: str = "", disabled: bool = False, base: str = USER_JOIN_RULE
    ) -> str:
        """Add a rule cloned from ``base``; a custom rule has an empty immutable tag."""
        tree = etree.parse(str(self.root / base))
        root = tree.getroot()
        rule_id = "{" + str(uuid.uuid4()) + "}"
        root.find("id").text = rule_id
        root.find("internal-id").text = rule_id
        root.find("name").text = name
        root.find("immutable-tag").text = tag or None
        root.find("precedence").text = str(precedence)
        root.find("disabled").text = "True" if disabled else "False"
        relpath = f"SynchronizationRules/SynchronizationRule_{rule_id}.xml"
        tree.write(str(self.root / relpath), encoding="utf-8")
        return relpath

    def rule_file(self, name: str) -> str:
        for path in sorted((self.root / "SynchronizationRules").iterdir()):
            if etree.parse(str(path)).getroot().findtext("name") == name:
                return f"SynchronizationRules/{path.name}"
        raise KeyError(name)

    def clone_connector(self, name: str) -> str:
        tree = etree.parse(str(self.root / AD_CONNECTOR))
        new_id = "{" + str(uuid.uuid4()).upper() + "}"
        tree.getroot().find("id").text = new_id
        tree.getroot().find("name").text = name
        relpath = f"Connectors/Connector_{new_id}.xml"
        tree.write(str(self.root / relpath), encoding="utf-8")
        return relpath
