# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab: emulated Entra Connect Sync servers behind the helper contract.

For internal collection use only. Pure Python (no Ansible import). Selected with
``entra_connect_backend: lab``; see ``backend.LabBackend``. The file layout (models, helpers,
faults, clock, journal, store, ...) is described in the README's lab section.
"""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.backend import LabBackend

__all__ = ["LabBackend"]
