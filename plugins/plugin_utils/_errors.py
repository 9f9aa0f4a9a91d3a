# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors shared by the controller-side code. For internal collection use only.

Pure Python (no Ansible import): the analysis packages raise these, and the base action class
turns them into a failed task whose ``msg`` is the error text, never a traceback.
"""

from __future__ import annotations

from typing import Any


class EntraConnectError(Exception):
    """An error whose message is meant for the person running the playbook.

    The message names the file, host or field and says what to do. ``details`` are extra
    result keys (for example the partial results of a compound step) merged into the result.
    """

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class InputError(EntraConnectError):
    """A file or value given to the collection cannot be used as it is."""
