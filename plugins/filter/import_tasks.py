# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugins of a server build: import_tasks, built_server_problems, build_steps (docs in the .yml files)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from jinja2 import Undefined

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._checks import (
    build_steps,
    built_server_problems,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._limitations import import_tasks


def _import_tasks(comparison):
    if not isinstance(comparison, dict) or "differences" not in comparison:
        raise AnsibleFilterError("import_tasks expects the registered result of config_compare (with 'differences')")
    return import_tasks(comparison)


def _built_server_problems(final, host, before, version, service_account=""):
    for name, value in (("_input", final), ("before", before)):
        if not isinstance(value, dict):
            # An undefined input (a read that never ran) is named as such, on every ansible-core.
            shape = "undefined" if isinstance(value, Undefined) else type(value).__name__
            raise AnsibleFilterError(f"built_server_problems expects server_info results; {name} is {shape}")
    return built_server_problems(str(host), final, before, str(version), str(service_account or ""))


def _build_steps(before, host, version, after=None):
    for name, value in (("_input", before), ("after", after)):
        if value is not None and not isinstance(value, dict):
            raise AnsibleFilterError(f"build_steps expects server_info results; {name} is {type(value).__name__}")
    if before is None:
        raise AnsibleFilterError("build_steps expects the server_info result before the build")
    return build_steps(str(host), before, str(version), after)


class FilterModule:
    def filters(self):
        return {
            "import_tasks": _import_tasks,
            "built_server_problems": _built_server_problems,
            "build_steps": _build_steps,
        }
