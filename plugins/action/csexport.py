# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.csexport: csexport on the server, analysis here."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.writers import analyse_with_report
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._archives import extract


def file_label(connector: str) -> str:
    """A file name for a connector name ('contoso.com - AAD' -> 'contoso.com - AAD'), path-safe."""
    return re.sub(r'[\\/:*?"<>|]', "_", connector).strip() or "connector"


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    ARGUMENT_SPEC = {
        "connectors": {"type": "list", "elements": "str", "default": []},
        "filter": {"type": "str", "choices": ["x", "m", "e", "i", "s"], "default": "x"},
        "dest": {"type": "path"},
        "gates": {"type": "dict", "default": {}},
        "fail_on_gate": {"type": "bool", "default": True},
        "baseline": {"type": "list", "elements": "path", "default": []},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        server = self.ec_server
        available = [c["name"] for c in server.call("Get-EntraConnectConnectorList")["connectors"]]
        names = params["connectors"] or available
        unknown = [n for n in names if n not in available]
        if unknown:
            raise EntraConnectError(
                f"No connector named {', '.join(repr(n) for n in unknown)} on {server.host}; "
                f"its connectors are: {', '.join(available)}"
            )
        dest = Path(self._loader.path_dwim(params["dest"])) if params["dest"] else None
        work = Path(tempfile.mkdtemp(prefix="entra_connect-csexport-"))
        try:
            xml_files = []
            for name in names:
                exported = server.call("Export-EntraConnectConnectorSpace", ConnectorName=name, Filter=params["filter"])
                archive = server.fetch_archive(exported, work / f"{file_label(name)}.zip")
                unpacked = work / file_label(name)
                extract(archive, unpacked)
                xml = unpacked / "csexport.xml"
                if not xml.is_file():
                    raise EntraConnectError(
                        f"The csexport archive of '{name}' from {server.host} holds no csexport.xml"
                    )
                xml_files.append(xml)
            result = analyse_with_report(
                [str(p) for p in xml_files],
                connectors=names,
                gates=params["gates"],
                baseline=[self._loader.path_dwim(p) for p in params["baseline"]],
                dest=str(dest) if dest else None,
                fail_on_gate=params["fail_on_gate"],
                # The XML files go with the report: they are the evidence the gates were run on.
                evidence=[(str(xml), f"{file_label(n)}.xml") for n, xml in zip(names, xml_files, strict=True)],
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        result.update(host=server.host, filter=params["filter"], connector_names=names)
        return result
