# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base class of every action plugin in this collection. For internal collection use only.

A module of this collection is an action plugin (its documentation lives in plugins/modules/).
Subclasses declare ``ARGUMENT_SPEC`` (matching the module documentation) and implement
``_ec_run``; the base owns the loop:

1. validate the arguments against ``ARGUMENT_SPEC`` before anything else happens, with the
   validator behind ``ActionBase.validate_argument_spec`` but reporting every error at once
   (``validate_argument_spec`` raises with the first error only);
2. resolve the backend (``entra_connect_backend`` host variable: ``windows`` or ``lab``) once and,
   for modules that act on a server (``USES_SERVER``), build ``self.ec_server``: the
   :class:`~.server.Server` facade over that backend; nothing else branches on the backend;
3. call ``_ec_run`` with the validated parameters and check mode;
4. turn an :class:`EntraConnectError` into a failed result with a clear ``msg`` (or an
   unreachable one when the host stopped answering), and pass on the backend's warnings and the
   argument validation's alias warnings and deprecations (a deprecated alias still works).
"""

from __future__ import annotations

import os
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

# Every task runs in a worker process forked for it, and the collection loader compiles a module's
# source (it keeps no bytecode) the first time a process imports it. The strategy loads each action
# plugin in the controller's main process before it forks (``action_loader.get(..., class_only=True)``),
# so what this module imports is compiled once per playbook run and inherited by every worker: both
# backends and the decisions the filter plugins call. Imported lazily, the lab alone was a third of
# the CPU time of a lab playbook run (py-spy of swing_migration; see benchmarks/worker_imports_bench.py).
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils import (
    backup,
    build,
    report,
    switch,
    syncrules,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import (
    EntraConnectError,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import read_settings
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import Server
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._windows import WindowsBackend

#: The packages imported above for the workers to inherit (see the comment at the imports).
PRELOADED = (backup, build, report, switch, syncrules)
BACKEND_VAR = "entra_connect_backend"
LAB_DIR_VAR = "entra_connect_lab_dir"
LAB_VARS = (
    "entra_connect_lab_server",
    "entra_connect_lab_faults",
    "entra_connect_lab_seed",
    "entra_connect_lab_size",
    "entra_connect_lab_domain",
    "entra_connect_lab_tenant",
    "entra_connect_lab_tenant_version",
    "entra_connect_lab_cycle_polls",
    "entra_connect_lab_operator",
    "entra_connect_lab_wizard_reads",
    "entra_connect_lab_writeback_groups",
)
BACKENDS = ("windows", "lab")
DEFAULT_BACKEND = "windows"


def lab_address_warning(host: str, address: Any) -> str | None:
    """The warning for a lab host that names a real address (a copied lab inventory pointed at servers)."""
    if address in (None, "", host):
        return None
    return (
        f"{host} uses the lab backend (emulated servers on the controller), but sets ansible_host={address}: "
        "nothing on that machine is read or changed, and this run rehearses nothing real. Remove ansible_host "
        f"from the lab inventory, or set {BACKEND_VAR}: windows to work on the real server."
    )


def resolve_backend_name(value: Any, host: str, connection: str | None = None) -> str:
    """Return the backend name for ``host`` from the ``entra_connect_backend`` variable value.

    A host without the variable that connects locally is a mistake, not a Windows server: the
    default backend would fail later with "module interpreter 'powershell' was not found".
    """
    if value is None or value == "":
        if connection == "local":
            raise EntraConnectError(
                f"{host} sets no '{BACKEND_VAR}' and connects with ansible_connection=local, but the default "
                f"backend ({DEFAULT_BACKEND}) runs PowerShell on a Windows server over winrm, psrp or ssh. For the "
                f"emulated lab set {BACKEND_VAR}: lab (inventories/lab/group_vars/all.yml does); for a real server "
                "set ansible_connection to winrm, psrp or ssh. Nothing was changed."
            )
        return DEFAULT_BACKEND
    if not isinstance(value, str) or value not in BACKENDS:
        raise EntraConnectError(
            f"Invalid value given for '{BACKEND_VAR}' on host '{host}': {value!r}; use one of: {', '.join(BACKENDS)}"
        )
    return value


class EntraConnectAction(ActionBase):
    """Validate, resolve the backend once, run ``_ec_run``, report errors clearly."""

    ARGUMENT_SPEC: dict[str, dict[str, Any]] = {}
    MUTUALLY_EXCLUSIVE: list[list[str]] = []
    REQUIRED_IF: list[Any] = []
    REQUIRED_ONE_OF: list[list[str]] = []

    _supports_check_mode = True
    _supports_async = False
    _supports_diff = False

    #: Controller-side analysis modules never talk to a server and ignore the backend.
    USES_SERVER = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        self.ec_server: Server | None = None
        self._ec_notices: dict[str, list[Any]] = {"warnings": [], "deprecations": []}
        try:
            params = self._ec_validate_arguments()
            self.ec_backend = self._ec_resolve_backend(task_vars)
            if self.USES_SERVER:
                self.ec_server = self._ec_build_server(task_vars)
            result.update(self._ec_run(params, task_vars, bool(self._task.check_mode)))
        except EntraConnectError as err:
            result.update(err.details)
            if not err.details.get("unreachable"):
                result["failed"] = True
            result["msg"] = err.message
        warnings = [
            *self._ec_notices["warnings"],
            *(getattr(getattr(self.ec_server, "backend", None), "warnings", None) or []),
        ]
        if warnings:
            result["warnings"] = [*result.get("warnings", []), *warnings]
        if self._ec_notices["deprecations"]:
            result["deprecations"] = [*result.get("deprecations", []), *self._ec_notices["deprecations"]]
        result.setdefault("changed", False)
        return result

    def _ec_validate_arguments(self) -> dict[str, Any]:
        validator = ArgumentSpecValidator(
            self.ARGUMENT_SPEC,
            mutually_exclusive=self.MUTUALLY_EXCLUSIVE,
            required_if=self.REQUIRED_IF,
            required_one_of=self.REQUIRED_ONE_OF,
        )
        validation = validator.validate(dict(self._task.args))
        if validation.error_messages:
            raise EntraConnectError(
                f"Invalid arguments for {self._task.action}: " + "; ".join(validation.error_messages)
            )
        # What AnsibleModule would report: an option given twice, and the use of a deprecated alias.
        self._ec_notices["warnings"] = [
            f"Both option {w['option']} and its alias {w['alias']} are set." for w in validation._warnings
        ]
        self._ec_notices["deprecations"] = [
            {key: value for key, value in d.items() if value is not None} for d in validation._deprecations
        ]
        return validation.validated_parameters

    def _ec_resolve_backend(self, task_vars: dict[str, Any]) -> str | None:
        if not self.USES_SERVER:
            return None
        host = task_vars.get("inventory_hostname", "?")
        raw = task_vars.get(BACKEND_VAR)
        value = self._templar.template(raw) if raw is not None else None
        return resolve_backend_name(value, host, getattr(self._connection, "transport", None))

    def invalid(self, name: str, value: Any, fix: str) -> EntraConnectError:
        """The error for a bad option value, worded like ansible.windows: name, value, fix."""
        return EntraConnectError(f"Invalid value given for '{name}': {value!r}; {fix}")

    def _ec_build_server(self, task_vars: dict[str, Any]) -> Server:
        host = task_vars.get("inventory_hostname", "?")
        check_mode = bool(self._task.check_mode)
        if self.ec_backend == "lab":
            variables = {name: self._templar.template(task_vars[name]) for name in LAB_VARS if name in task_vars}
            return Server(LabBackend(self._ec_lab_dir(task_vars), read_settings(host, variables)), host, check_mode)
        return Server(WindowsBackend(self, task_vars, host), host, check_mode)

    def _ec_lab_dir(self, task_vars: dict[str, Any]) -> str:
        """``entra_connect_lab_dir``; default ``.lab`` beside the inventory; relative to the inventory."""
        base = task_vars.get("inventory_dir") or self._loader.get_basedir()
        raw = task_vars.get(LAB_DIR_VAR)
        value = self._templar.template(raw) if raw is not None else ".lab"
        if not isinstance(value, str) or not value:
            raise EntraConnectError(f"Invalid value given for '{LAB_DIR_VAR}': {value!r}; give a folder path")
        return os.path.join(base, os.path.expanduser(value))

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        """Do the module's work.

        Args:
            params: the validated module arguments, defaults filled in.
            task_vars: the task variables.
            check_mode: True when Ansible runs in check mode; nothing may change then.

        Returns:
            The module result keys (``changed`` defaults to False).
        """
        raise NotImplementedError
