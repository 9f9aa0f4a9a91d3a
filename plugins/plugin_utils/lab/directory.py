# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated on-premises directory and tenant, shared by every lab server of one lab directory.

For internal collection use only. Pure Python. The directory is generated deterministically
from the world settings (seed and size), so it is never stored: the lab state keeps only the
changes made since (a numbered revision each). The tenant is what an active server exported: its
starting content is the directory projected with the tenant's version flows, plus the exports
made since (numbered revisions too). Objects are plain dicts
``{"anchor", "dn", "type", "attrs": {name: str | list[str]}}`` keyed by anchor (the objectGUID
the sourceAnchor is derived from), so both sides join the way Entra Connect joins: on the anchor.
"""

from __future__ import annotations

import functools
import random
import uuid
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import WorldSettings

DEPARTMENTS = ("Sales", "Marketing", "Engineering", "Finance", "HR", "IT", "Operations", "Legal")
TITLES = ("Analyst", "Engineer", "Manager", "Specialist", "Director", "Consultant", "Assistant")
EMPLOYEE_TYPES = ("Employee", "Contractor", "Intern", "Vendor")
GIVEN = ("Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "John", "Radia", "Tim")
SURNAMES = ("Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Perlman")

Object = dict[str, Any]


def domain_dn(domain: str) -> str:
    return ",".join(f"DC={part}" for part in domain.split("."))


def _anchor(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@functools.lru_cache(maxsize=4)
def _base_directory(seed: int, users: int, groups: int, contacts: int, domain: str) -> tuple[tuple[str, Object], ...]:
    rng = random.Random(seed)
    base = domain_dn(domain)
    corp = f"OU=CORP,{base}"
    objects: list[tuple[str, Object]] = []
    user_dns: list[str] = []
    for index in range(users):
        given = GIVEN[index % len(GIVEN)]
        surname = SURNAMES[(index // len(GIVEN)) % len(SURNAMES)]
        department = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
        sam = f"u{index:06d}"
        upn = f"{sam}@{domain}"
        dn = f"CN={given} {surname} {index:06d},OU={department},{corp}"
        anchor = _anchor(rng)
        user_dns.append(dn)
        attrs = {
            "sAMAccountName": sam,
            "userPrincipalName": upn,
            "givenName": given,
            "sn": surname,
            "displayName": f"{given} {surname} ({index:06d})",
            "mail": f"{given.lower()}.{surname.lower()}.{index:06d}@{domain}",
            "department": department,
            "title": TITLES[rng.randrange(len(TITLES))],
            "employeeType": EMPLOYEE_TYPES[rng.randrange(len(EMPLOYEE_TYPES))],
            "proxyAddresses": [f"SMTP:{given.lower()}.{surname.lower()}.{index:06d}@{domain}", f"smtp:{sam}@{domain}"],
            "userAccountControl": "512",
        }
        objects.append((anchor, {"anchor": anchor, "dn": dn, "type": "user", "attrs": attrs}))
    for index in range(groups):
        anchor = _anchor(rng)
        size = rng.randint(0, min(20, users))
        members = sorted({user_dns[rng.randrange(users)] for _member in range(size)}) if users else []
        attrs = {
            "sAMAccountName": f"g{index:05d}",
            "displayName": f"Group {index:05d}",
            "mail": f"group{index:05d}@{domain}",
            "groupType": "-2147483646",
            "member": members,
        }
        dn = f"CN=Group {index:05d},OU=Groups,{corp}"
        objects.append((anchor, {"anchor": anchor, "dn": dn, "type": "group", "attrs": attrs}))
    for index in range(contacts):
        anchor = _anchor(rng)
        attrs = {
            "displayName": f"Partner Contact {index:05d}",
            "mail": f"contact{index:05d}@partner.example",
            "proxyAddresses": [f"SMTP:contact{index:05d}@partner.example"],
        }
        dn = f"CN=Partner Contact {index:05d},OU=Contacts,{corp}"
        objects.append((anchor, {"anchor": anchor, "dn": dn, "type": "contact", "attrs": attrs}))
    return tuple(objects)


def base_directory(world: WorldSettings) -> dict[str, Object]:
    """The generated directory, as a new top-level dict. Objects are shared and never mutated:
    :func:`apply_changes` replaces an object it changes instead of editing it."""
    return dict(_base_directory(world.seed, world.users, world.groups, world.contacts, world.domain))


def apply_changes(objects: dict[str, Object], changes: list[dict[str, Any]], upto: int | None) -> dict[str, Object]:
    """Apply recorded changes (each ``{rev, op, anchor, ...}``) with ``rev <= upto`` in order."""
    for change in changes:
        if upto is not None and change["rev"] > upto:
            break
        anchor = change["anchor"]
        if change["op"] == "delete":
            objects.pop(anchor, None)
        elif change["op"] == "add":
            objects[anchor] = {
                "anchor": anchor,
                "dn": change["dn"],
                "type": change["type"],
                "attrs": dict(change["attrs"]),
            }
        else:
            current = objects.get(anchor)
            if current is None:
                continue
            current = {**current, "attrs": dict(current["attrs"])}
            for name, value in change["attrs"].items():
                if value is None:
                    current["attrs"].pop(name, None)
                else:
                    current["attrs"][name] = value
            if change.get("dn"):
                current["dn"] = change["dn"]
            objects[anchor] = current
    return objects


def in_scope(dn: str, excluded_containers: tuple[str, ...] | list[str]) -> bool:
    """False when ``dn`` sits under an excluded container (the OU filter of the AD connector)."""
    lowered = dn.lower()
    return not any(lowered.endswith("," + c.lower()) or lowered == c.lower() for c in excluded_containers)
