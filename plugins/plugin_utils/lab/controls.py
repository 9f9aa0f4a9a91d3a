# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab controls: what a rehearsal or a test does to the lab that no real helper does.

For internal collection use only. Kept apart from the helper contract (moto keeps its reset and
seed controls outside the emulated service the same way): resetting the lab, changing the
emulated on-premises directory, and reading the directory and the tenant to check outcomes.
"""

from __future__ import annotations

import os
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import clock, engine
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import LabSettingsError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import WorldSettings
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore


def reset(lab_dir: str | os.PathLike[str]) -> None:
    """Back to the starting state: every server is rebuilt from its settings on next use."""
    LabStore(lab_dir).reset()


def _world(state: dict[str, Any], settings: WorldSettings) -> engine.World:
    if state["world"] is None:
        state["world"] = engine.World.create(settings)
    return engine.World(settings, state["world"])


def find_user(lab_dir: str | os.PathLike[str], settings: WorldSettings, sam_account_name: str) -> dict[str, Any]:
    with LabStore(lab_dir).transaction() as state:
        for obj in _world(state, settings).directory().values():
            if obj["attrs"].get("sAMAccountName") == sam_account_name:
                return obj
    raise LabSettingsError(f"No object with sAMAccountName {sam_account_name!r} in the lab directory")


def change_directory(
    lab_dir: str | os.PathLike[str], settings: WorldSettings, anchor: str, attrs: dict[str, Any], op: str = "update"
) -> int:
    """Change an object of the emulated on-premises directory; returns the new directory revision."""
    store = LabStore(lab_dir)
    with store.transaction() as state:
        world = _world(state, settings)
        revision = world.change_directory(anchor, op, attrs=attrs)
        store.append_journal(
            [{"time": clock.now(), "host": "lab", "helper": "lab:directory", "changes": {anchor: [None, attrs]}}]
        )
        return revision


def directory(lab_dir: str | os.PathLike[str], settings: WorldSettings) -> dict[str, dict[str, Any]]:
    with LabStore(lab_dir).transaction() as state:
        return _world(state, settings).directory()


def tenant(lab_dir: str | os.PathLike[str], settings: WorldSettings) -> dict[str, dict[str, Any]]:
    with LabStore(lab_dir).transaction() as state:
        return _world(state, settings).tenant()
