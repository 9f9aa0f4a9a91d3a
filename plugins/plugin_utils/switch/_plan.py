# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired roles vs actual roles -> an ordered, guarded plan, or a refusal. For internal collection use only.

Pure Python. The only safe order (Microsoft's switch procedure, DESIGN safety invariants):
backup -> verify the candidate while the old active server still serves -> demote the active
server -> confirm that no server is active -> promote the candidate -> confirm exactly one active
server and that its export ran. Extra active servers (never allowed) are demoted first.

The plan carries everything the switch role needs: per host what to do (``hosts``), per run
which phases happen (``backup``, ``verify``, ``confirm_zero_active``, ``promote``), its
``status`` and the messages the role shows. Each ``when:`` of the role reads one of these fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._gates import PromotionGates
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import (
    SERVICE_STOPPED,
    server_role,
)

#: Roles a host may declare (entra_connect_role).
ROLES = ("active", "staging")
STATUSES = ("refused", "nothing_to_do", "planned")
NEVER_TWO = "a second active server; never allowed"
#: The variable that accepts a promotion out of zero active servers with nothing to verify against.
WITHOUT_REFERENCE = "entra_connect_promote_without_reference"
#: The inventory/extra variable that acknowledges password writeback on the candidate.
WRITEBACK_ACK = "entra_connect_password_writeback_acknowledged"
WRITEBACK_REFUSAL = (
    "{host} has password writeback enabled. The wizard, when it takes a server out of staging, also "
    "configures password writeback on the tenant side (only one server can use it), and this switch "
    "(a staging-mode change) does not. Take {host} out of staging in the wizard (Configure staging "
    "mode), or, once you have handled password writeback yourself, set "
    f"{WRITEBACK_ACK}=true (inventory or extra vars) and run again"
)


@dataclass
class HostActions:
    """What the switch does on one host."""

    demote_first: bool = False  # an extra active server: demoted before anything else
    demote: bool = False  # the former active server: demoted after the candidate passed its gates
    promote: bool = False  # the candidate
    confirm: bool = False  # the candidate, promoted by an interrupted run: its export is confirmed now


@dataclass
class Plan:
    candidate: str | None = None
    former: str | None = None
    extra_active: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    refusal: str | None = None
    hosts: dict[str, HostActions] = field(default_factory=dict)
    #: How a run with no active server gets out of it (see :func:`zero_active_recovery`), else None.
    recovery: dict[str, Any] | None = None
    #: What this run does about an interrupted run's intent record (``_intent.intent_decision``), else "".
    resumed: str = ""

    @property
    def converged(self) -> bool:
        return not self.steps and self.refusal is None

    @property
    def status(self) -> str:
        return "refused" if self.refusal is not None else "nothing_to_do" if self.converged else "planned"

    def _has(self, action: str) -> bool:
        return any(step["action"] == action for step in self.steps)

    def messages(self) -> dict[str, Any]:
        """What the role shows (``show``: the plan in lines) and fails with (``refused``)."""
        if self.refusal is not None:
            show = [f"Switch refused: {self.refusal}"]
        elif self.converged:
            show = [f"Converged: {self.candidate} is the only active server; nothing to do."]
        else:
            show = [f"Plan to make {self.candidate} active:"] + [f"{s['action']} on {s['host']}" for s in self.steps]
            if self.recovery is not None:
                show.insert(1, self.recovery["message"])
        if self.resumed and self.refusal is None:
            show.insert(0, self.resumed)
        return {
            "show": show,
            "refused": None if self.refusal is None else f"Switch refused, nothing was changed: {self.refusal}",
            # What the run report's "planned" event says: the refusal, or how zero active is recovered.
            "report": " ".join(
                m for m in (self.refusal or self.resumed, (self.recovery or {}).get("message") or "") if m
            ),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "former": self.former,
            "extra_active": list(self.extra_active),
            "steps": [dict(s) for s in self.steps],
            "refusal": self.refusal,
            "converged": self.converged,
            "status": self.status,
            "backup": self._has("backup"),
            "verify": self._has("verify"),
            "confirm_zero_active": self._has("confirm_zero_active"),
            "promote": self._has("promote"),
            "confirm_export": self._has("confirm_export"),
            "resumed": self.resumed,
            "hosts": {host: asdict(actions) for host, actions in self.hosts.items()},
            "recovery": None if self.recovery is None else dict(self.recovery),
            # What the verify role compares the candidate with when no server is active.
            "reference_backup": (self.recovery or {}).get("reference_backup") or "",
            "without_reference": bool((self.recovery or {}).get("without_reference")),
            "messages": self.messages(),
        }


def never_synced(state: dict[str, Any]) -> bool:
    """A configured server whose connectors (at least one) have no run of any run profile yet."""
    connectors = state.get("connectors") if isinstance(state, dict) else None
    if not isinstance(connectors, list) or not connectors:
        return False
    return all(isinstance(c, dict) and isinstance(c.get("last_runs"), dict) and not c["last_runs"] for c in connectors)


def servers_by_role(actual: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Hosts (in the given order) that are active, staging, not configured, or unknown, from server_info results.

    ``unfinished`` (also under ``staging``): staging servers that never ran a run profile on any
    connector - the wizard step of a build was done by the operator after the build stopped to wait
    for it, so the build is to finish (its first import and sync, its scheduler turned on).

    ``unknown``: no server read, or the ADSync service is not running (``service_stopped``). Such a
    server is never "not configured": the playbooks build the servers that are, and building
    over a live server whose service is stopped would run the installer and the wizard on it.
    """
    roles: dict[str, list[str]] = {"active": [], "staging": [], "not_configured": [], "unknown": [], "unfinished": []}
    for host, state in actual.items():
        role = server_role(state)
        if role == "staging" and never_synced(state):
            roles["unfinished"].append(host)
        bucket = (
            role
            if role in ("active", "staging")
            else "unknown"
            if role in (None, SERVICE_STOPPED)
            else "not_configured"
        )
        roles[bucket].append(host)
    return roles


def inventory_problems(declared: dict[str, Any], known_hosts: list[str] | None = None) -> list[str]:
    """Every way the declared roles break the inventory contract (empty when it holds)."""
    problems = []
    for host, role in sorted(declared.items()):
        if role is None:
            problems.append(f"{host} does not declare entra_connect_role; set it to active or staging")
        elif role not in ROLES:
            problems.append(f"{host} declares entra_connect_role={role!r}; use one of: {', '.join(ROLES)}")
    active = sorted(h for h, r in declared.items() if r == "active")
    if not active:
        problems.append("no host declares entra_connect_role=active; exactly one must")
    elif len(active) > 1:
        problems.append(f"{len(active)} hosts declare entra_connect_role=active ({', '.join(active)}); exactly one may")
    if known_hosts is not None:
        for host in sorted(set(declared) - set(known_hosts)):
            problems.append(f"{host} is declared but is not a host of the inventory group")
    return problems


GROUP_VAR = "entra_connect_group"


def inventory_scope_problem(group: str, groups: dict[str, list[str]], targeted: list[str]) -> str | None:
    """Why a run on ``group`` would be wrong before it starts: no such group, an empty one, a --limit.

    Args:
        group: the inventory group of the sync servers (``entra_connect_group``).
        groups: the inventory's groups and their hosts (Ansible's ``groups``).
        targeted: the hosts the run targets after ``--limit`` (the first play's hosts).
    """
    members = list(groups.get(group) or [])
    if not members:
        known = sorted(g for g in groups if g not in ("all", "ungrouped")) or ["none"]
        what = "is empty" if group in groups else "does not exist in this inventory"
        return (
            f"The inventory group '{group}' ({GROUP_VAR}) {what}, so this run would do nothing. Set "
            f"{GROUP_VAR} to the group of your sync servers (groups in this inventory: {', '.join(known)}) "
            "or put the servers in it. Nothing was changed."
        )
    left_out = [host for host in members if host not in set(targeted)]
    if left_out:
        return (
            f"The limit leaves out {', '.join(left_out)} of the group '{group}' ({GROUP_VAR}). The servers "
            "of a pair are checked and switched together: exactly one may be active, and every plan reads "
            "every server, so a run on part of the pair could make two servers active or miss one. Run on "
            "the whole group: remove --limit (in AWX, clear the job template's Limit). Nothing was changed."
        )
    return None


def targeted_roles(hosts: list[str], candidate: str) -> dict[str, str]:
    """The declared roles of a switch to ``candidate`` (the upgrade's switches): it active, every other host staging."""
    if candidate not in hosts:
        raise InputError(f"switch candidate {candidate!r} is not a host of the group ({', '.join(hosts)})")
    return {host: "active" if host == candidate else "staging" for host in hosts}


def switch_plan(
    declared: dict[str, Any],
    actual: dict[str, dict[str, Any]],
    candidate: str | None = None,
    gates: dict[str, Any] | None = None,
    reference_backup: dict[str, Any] | None = None,
    promote_without_reference: bool = False,
    intent: dict[str, Any] | None = None,
    writeback_acknowledged: bool = False,
) -> Plan:
    """The plan from the declared roles (or a ``candidate`` that overrides them) and server_info results.

    ``actual[host]`` holds at least ``installed``, ``configured`` and ``staging_mode_enabled``
    (or server_info's ``role``). ``gates`` (entra_connect_gates) are validated here so that a
    misspelt gate refuses the switch before any change. ``reference_backup`` (the newest backup
    taken while a server of the pair was active: ``host``, ``path``, ``exported_at``) and
    ``promote_without_reference`` only matter when no server is active (:func:`zero_active_recovery`).
    ``intent`` is what this run does about an interrupted run's intent record
    (``_intent.intent_decision``): its refusal (another run's lease) refuses the plan; a promotion
    it never confirmed is confirmed (delta cycle, export on every connector, post-switch backup).
    misspelt gate refuses the switch before any change. A candidate to promote with password
    writeback enabled (server_info's ``password_writeback_enabled``) is refused here too, unless
    ``writeback_acknowledged`` (``entra_connect_password_writeback_acknowledged``): the
    staging_mode guard would refuse the promotion only after the active server was demoted.
    """
    hosts = list(actual)
    plan = Plan(hosts={host: HostActions() for host in hosts})
    if candidate:
        declared = targeted_roles(hosts, candidate)
    problems = inventory_problems(declared, hosts)
    try:
        PromotionGates.from_dict(gates)
    except InputError as err:
        problems.append(err.message)
    if intent and intent.get("refusal"):
        problems.insert(0, intent["refusal"])
    plan.resumed = (intent or {}).get("message") or ""
    if problems:
        plan.refusal = "; ".join(problems)
        return plan
    plan.candidate = next(h for h, r in declared.items() if r == "active")
    role = server_role(actual[plan.candidate])
    if role not in ("active", "staging"):
        what = "installed but not configured" if role == "not_configured" else "not installed"
        if role is None:
            what = "unreadable (its server_info failed)"
        if role == SERVICE_STOPPED:
            what = (
                "unreadable: its ADSync service is not running (wait for an upgrade or the wizard to finish, or start "
                "the service)"
            )
            plan.refusal = f"{plan.candidate} is declared active but is {what}"
            return plan
        plan.refusal = (
            f"{plan.candidate} is declared active but is {what}; build it first "
            "(playbooks add_staging_server or swing_migration)"
        )
        return plan
    active = sorted(servers_by_role(actual)["active"])
    if active == [plan.candidate]:
        if (intent or {}).get("confirm_promotion"):
            plan.hosts[plan.candidate].confirm = True
            plan.steps = [
                {"action": "confirm_export", "host": plan.candidate},
                {"action": "backup_after", "host": "all"},
            ]
        elif (intent or {}).get("finish"):
            plan.steps = [{"action": "backup_after", "host": "all"}]
        return plan
    others = [h for h in active if h != plan.candidate]
    if plan.candidate in active:
        # The candidate already exports; every other active server goes, and nothing is promoted.
        plan.extra_active = others[1:]
        for host in others:
            plan.hosts[host].demote_first = True
        plan.steps = [{"action": "demote", "host": h, "why": NEVER_TWO} for h in [*others[1:], others[0]]]
        plan.steps.append({"action": "confirm_one_active", "host": plan.candidate})
        return plan
    if actual[plan.candidate].get("password_writeback_enabled") and not writeback_acknowledged:
        plan.refusal = WRITEBACK_REFUSAL.format(host=plan.candidate)
        return plan
    # With one other active server, that one is the former active server; with several (never
    # allowed), the first is kept for restoring and every other one is demoted first.
    plan.former = others[0] if others else None
    if not active:
        plan.recovery = zero_active_recovery(plan.candidate, reference_backup, promote_without_reference)
        if plan.recovery["refusal"]:
            plan.refusal = plan.recovery["refusal"]
            return plan
    plan.extra_active = others[1:]
    for host in plan.extra_active:
        plan.hosts[host].demote_first = True
    steps = [{"action": "demote", "host": h, "why": NEVER_TWO} for h in plan.extra_active]
    steps.append({"action": "backup", "host": "all"})
    steps.append({"action": "verify", "host": plan.candidate})
    if plan.former:
        plan.hosts[plan.former].demote = True
        steps.append({"action": "demote", "host": plan.former})
    steps.append({"action": "confirm_zero_active", "host": "all"})
    plan.hosts[plan.candidate].promote = True
    steps.append({"action": "promote", "host": plan.candidate})
    steps.append({"action": "confirm_one_active", "host": plan.candidate})
    plan.steps = steps
    return plan


def zero_active_recovery(
    candidate: str, reference_backup: dict[str, Any] | None, promote_without_reference: bool
) -> dict[str, Any]:
    """How a switch gets out of zero active servers: what the candidate is verified against, or a refusal.

    No server exports while all are in staging (a switch killed between the demotion and the
    promotion). The declared server is promoted after the usual gates, its configuration compared
    with the newest backup taken while a server was active (there is no active server to compare
    with). Without such a backup the switch refuses, unless the operator accepted promoting
    without a reference (``entra_connect_promote_without_reference``).
    """
    recovery: dict[str, Any] = {
        "kind": "zero_active",
        "reference_host": None,
        "reference_backup": None,
        "reference_exported_at": None,
        "without_reference": False,
        "refusal": None,
    }
    if reference_backup:
        recovery.update(
            reference_host=reference_backup["host"],
            reference_backup=reference_backup["path"],
            reference_exported_at=reference_backup["exported_at"],
            message=(
                f"Recovering from zero active servers: {candidate} is verified against the backup of "
                f"{reference_backup['host']} taken while it was active ({reference_backup['exported_at']}, "
                f"{reference_backup['path']}) and promoted if it passes the gates."
            ),
        )
    elif promote_without_reference:
        recovery.update(
            without_reference=True,
            message=(
                f"Recovering from zero active servers: no backup of an active server was found; {candidate} "
                f"is promoted without a configuration reference ({WITHOUT_REFERENCE}=true), after the "
                "pending-export gates."
            ),
        )
    else:
        recovery["message"] = recovery["refusal"] = (
            f"no server is active and no backup taken while a server of the pair was active was found to verify "
            f"{candidate} against (its configuration is compared with the last active configuration); restore "
            f"such a backup into the backup folder, or set {WITHOUT_REFERENCE}=true to promote {candidate} "
            "without a configuration reference"
        )
    return recovery
