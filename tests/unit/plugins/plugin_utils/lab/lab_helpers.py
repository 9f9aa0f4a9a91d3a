"""Shared builders for the lab tests: a Server facade over a LabBackend for one host."""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import read_settings
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import Server

ENTRA = "contoso.onmicrosoft.com - AAD"
SALES = "OU=Sales,OU=CORP,DC=contoso,DC=com"
SMALL = {"entra_connect_lab_size": {"users": 200, "groups": 20, "contacts": 10}, "entra_connect_lab_cycle_polls": 0}


def lab_server(lab_dir, host="aadc01", check_mode=False, **server_settings) -> Server:
    host_vars = {**SMALL, "entra_connect_lab_server": server_settings}
    return Server(LabBackend(lab_dir, read_settings(host, host_vars)), host, check_mode)


def world_settings():
    return read_settings("x", SMALL).world


def run(server: Server, connector: str, profile: str) -> None:
    server.call("Invoke-EntraConnectRunProfile", ConnectorName=connector, RunProfileName=profile)


def import_and_sync(server: Server) -> None:
    for profile in ("Delta Import", "Delta Synchronization"):
        for connector in ("contoso.com", ENTRA):
            run(server, connector, profile)
