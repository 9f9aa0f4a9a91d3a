# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.installer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._instructions import INSTALLER_PATH
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._archives import sha256_file
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import version_tuple

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def source_kind(src: str) -> str:
    """``url`` (http, https, file), ``unc`` (\\\\server\\share\\...) or ``controller``."""
    if re.match(r"^(https?|file)://", src, re.IGNORECASE):
        return "url"
    if src.startswith(("\\\\", "//")):
        return "unc"
    return "controller"


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    _supports_diff = True
    ARGUMENT_SPEC = {
        "src": {"type": "str", "required": True},
        "version": {"type": "str", "required": True},
        "checksum": {"type": "str"},
        "dest": {"type": "str", "default": INSTALLER_PATH},
        "arguments": {"type": "str", "default": ""},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        if version_tuple(params["version"]) is None:
            raise self.invalid(
                "version", params["version"], "give the product version the installer installs, like 2.6.92.0"
            )
        checksum = params["checksum"]
        if checksum is not None and not SHA256.match(checksum):
            raise self.invalid("checksum", checksum, "give the SHA-256 of the installer as 64 hexadecimal digits")
        server = self.ec_server
        kind = source_kind(params["src"])
        local = self._check_local(params["src"], checksum) if kind == "controller" else None
        before = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
        result: dict[str, Any] = {
            "previous_product_version": before["product_version"],
            "product_version": before["product_version"],
            "upgrade": bool(before["configured"]),
            "installer_path": params["dest"],
            "reboot_required": False,
            "diff": {
                "before": {"product_version": before["product_version"]},
                "after": {"product_version": params["version"]},
            },
        }
        if before["installed"] and before["product_version"] == params["version"]:
            result["diff"]["after"] = result["diff"]["before"]
            return {"changed": False, **result}
        if check_mode:
            return {"changed": True, **result, "product_version": params["version"]}
        self._stage(kind, params["src"], local, params["dest"], checksum)
        installed = server.install_package(params["dest"], params["arguments"], params["version"])
        now = server.call("Get-EntraConnectServerState", RunHistoryCount=0)["product_version"]
        result.update(product_version=now, reboot_required=installed["reboot_required"])
        if now != params["version"]:
            raise EntraConnectError(
                f"The installer ran on {server.host}, but the product version is {now}, not {params['version']}: "
                "check that src is the installer of that version",
                changed=True,
                **result,
            )
        return {"changed": True, **result}

    def _check_local(self, src: str, checksum: str | None) -> str:
        local = self._loader.path_dwim(src)
        if not Path(local).is_file():
            raise EntraConnectError(f"Installer {local} does not exist on the controller")
        actual = sha256_file(Path(local)) if checksum else None
        if checksum and actual != checksum.lower():
            raise EntraConnectError(
                f"Installer {local} has SHA-256 {actual}, not the checksum given ({checksum.lower()}); "
                "nothing was copied or installed"
            )
        return local

    def _stage(self, kind: str, src: str, local: str | None, dest: str, checksum: str | None) -> None:
        server = self.ec_server
        if kind == "url":
            server.download(src, dest, checksum)
            return
        if kind == "unc":
            server.copy_remote(src, dest)
        else:
            server.put_file(local, dest)
        if checksum:
            staged = server.call("Get-EntraConnectFileHash", Path=dest)
            if staged["sha256"] != checksum.lower():
                raise EntraConnectError(
                    f"The installer copied to {server.host}:{dest} has SHA-256 {staged['sha256']}, "
                    f"not {checksum.lower()}; nothing was installed",
                    changed=True,
                )
