# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The operator step: the one thing Microsoft supports only in the wizard. For internal collection use only.

Pure Python. Builds the exact instructions the staging_server role prints and writes to the
server beside the settings file, for a new server (custom install with imported settings) and
for an in-place upgrade (the wizard's upgrade page).
"""

from __future__ import annotations

from typing import Any

IMPORT_FOLDER = "C:\\ProgramData\\hybrid_identity.entra_connect\\import"
SETTINGS_FILE = "synchronization-settings.json"
INSTRUCTIONS_FILE = "operator-instructions.txt"
INSTALLER_PATH = "C:\\ProgramData\\hybrid_identity.entra_connect\\installer\\AzureADConnect.msi"
WIZARD = "%ProgramFiles%\\Microsoft Azure Active Directory Connect\\AzureADConnect.exe"


def install_instructions(host: str, choices: dict[str, Any], settings_path: str) -> list[str]:
    """Custom install with imported settings, staging on, start-sync off (reference §5, [IMP][STG])."""
    lines = [
        f"Operator step on {host}: configure Entra Connect Sync from the imported settings.",
        f"1. Sign in to {host} with a local administrator account and start the wizard ({WIZARD}).",
        "2. Choose Customize (not Use express settings).",
        "3. On 'Install required components' select:",
    ]
    if choices.get("install_path"):
        lines.append(f"   - Specify a custom installation location: {choices['install_path']}")
    if choices.get("sql_server"):
        instance = f"\\{choices['sql_instance']}" if choices.get("sql_instance") else ""
        lines.append(f"   - Use an existing SQL Server: {choices['sql_server']}{instance}")
    if choices.get("service_account"):
        lines.append(f"   - Use an existing service account: {choices['service_account']}")
    groups = choices.get("sync_groups") or {}
    if groups:
        lines.append("   - Specify custom sync groups: " + ", ".join(f"{k}={v}" for k, v in sorted(groups.items())))
    lines += [
        f"   - Import synchronization settings: {settings_path}",
        "4. Select Install. Sign in to Microsoft Entra ID and enter the AD DS credentials of each forest when asked"
        " (the SQL and service-account fields of the file are shown for comparison only and are not imported).",
        "5. On the last page keep 'Enable staging mode' ticked and leave 'Start the synchronization process when"
        " configuration completes' unticked, then select Install.",
        "6. Close the wizard (an open wizard suspends the scheduler). Ansible notices the configured server by itself.",
    ]
    return lines


def upgrade_instructions(host: str, version: str) -> list[str]:
    """The wizard's upgrade page after the binaries of ``version`` were laid down."""
    return [
        f"Operator step on {host}: finish the in-place upgrade to Entra Connect {version}.",
        f"1. Sign in to {host} with a local administrator account and start the wizard ({WIZARD}).",
        "2. Follow the upgrade page; sign in to Microsoft Entra ID when asked.",
        "3. Untick 'Start the synchronization process when configuration completes' if the full import and sync"
        " the upgrade records are to run later; keep the server's staging mode as it is.",
        "4. Close the wizard. Ansible notices the upgraded sync engine by itself.",
    ]
