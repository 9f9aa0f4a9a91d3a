# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired roles vs actual roles -> an ordered, guarded plan, or a refusal. For internal collection use only.

Pure Python. The only safe order (Microsoft's switch procedure, DESIGN safety invariants):
backup -> verify the candidate while the old active server still serves -> demote the active
server -> confirm that no server is active -> promote the candidate -> confirm exactly one active
server and that its export ran. Extra active servers (never allowed) are demoted first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ROLES = ("active", "staging")


@dataclass
class Plan:
    candidate: str | None = None
    former: str | None = None
    extra_active: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    refusal: str | None = None

    @property
    def converged(self) -> bool:
        return not self.steps and self.refusal is None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "converged": self.converged}


def servers_by_role(actual: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Hosts (in the given order) that are active, staging, or not configured, from server_info results."""
    roles: dict[str, list[str]] = {"active": [], "staging": [], "not_configured": []}
    for host, state in actual.items():
        if not state.get("configured"):
            roles["not_configured"].append(host)
        elif state.get("staging_mode_enabled") is False:
            roles["active"].append(host)
        else:
            roles["staging"].append(host)
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


def switch_plan(declared: dict[str, Any], actual: dict[str, dict[str, Any]]) -> Plan:
    """``actual[host]`` holds ``installed``, ``configured`` and ``staging_mode_enabled`` (server_info)."""
    problems = inventory_problems(declared, list(actual))
    if problems:
        return Plan(refusal="; ".join(problems))
    candidate = next(h for h, r in declared.items() if r == "active")
    state = actual[candidate]
    if not state.get("configured"):
        what = "installed but not configured" if state.get("installed") else "not installed"
        return Plan(
            candidate=candidate,
            refusal=f"{candidate} is declared active but is {what}; build it first "
            "(playbooks add_staging_server or swing_migration)",
        )
    active = sorted(servers_by_role(actual)["active"])
    plan = Plan(candidate=candidate)
    if active == [candidate]:
        return plan
    others = [h for h in active if h != candidate]
    # With one other active server, that one is the former active server; with several (never
    # allowed), the first is kept for restoring and every one is demoted.
    plan.former = others[0] if others else None
    plan.extra_active = others[1:]
    steps = [{"action": "demote", "host": h, "why": "a second active server; never allowed"} for h in plan.extra_active]
    if candidate in active:
        # The candidate already exports; only the extra active servers have to go.
        steps += [{"action": "demote", "host": plan.former, "why": "a second active server; never allowed"}]
        steps.append({"action": "confirm_one_active", "host": candidate})
        plan.steps = steps
        plan.former = None
        return plan
    steps.append({"action": "backup", "host": "all"})
    steps.append({"action": "verify", "host": candidate})
    if plan.former:
        steps.append({"action": "demote", "host": plan.former})
    steps.append({"action": "confirm_zero_active", "host": "all"})
    steps.append({"action": "promote", "host": candidate})
    steps.append({"action": "confirm_one_active", "host": candidate})
    plan.steps = steps
    return plan
