# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab state on disk: one JSON document, a journal, a lock. For internal collection use only.

Ansible runs hosts in parallel forks, so every read-modify-write happens inside
:meth:`LabStore.transaction`, under an exclusive ``flock`` on ``lab_dir/lock``; the state is
written to a temporary file and renamed over ``state.json`` (atomic on POSIX), so a crash never
leaves half a state. ``journal.jsonl`` gets one line per state change (the lab's audit trail;
tests check invariants over time from it). Files a lab server "produces" (exports, csexport XML)
live under ``lab_dir/remote/<host>/`` until they are fetched and removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import LabStateError

FORMAT = "hybrid_identity.entra_connect.lab/1"
STATE = "state.json"
JOURNAL = "journal.jsonl"
LOCK = "lock"
REMOTE = "remote"
_OWN_NAMES = {STATE, JOURNAL, LOCK, REMOTE, STATE + ".tmp"}


class LabStore:
    def __init__(self, lab_dir: str | os.PathLike[str]) -> None:
        self.lab_dir = Path(lab_dir)

    @property
    def state_path(self) -> Path:
        return self.lab_dir / STATE

    @property
    def journal_path(self) -> Path:
        return self.lab_dir / JOURNAL

    def remote_dir(self, host: str) -> Path:
        return self.lab_dir / REMOTE / host

    def _prepare(self) -> None:
        if self.lab_dir.exists() and not self.lab_dir.is_dir():
            raise LabStateError(f"Lab directory {self.lab_dir} is a file; set entra_connect_lab_dir to a folder")
        if self.lab_dir.is_dir() and not self.state_path.exists():
            foreign = sorted(
                p.name for p in self.lab_dir.iterdir() if p.name not in _OWN_NAMES and not p.name.startswith(STATE)
            )
            if foreign:
                raise LabStateError(
                    f"Lab directory {self.lab_dir} holds files that are not lab state ({', '.join(foreign[:5])}); "
                    "point entra_connect_lab_dir at an empty or lab-only folder"
                )
        self.lab_dir.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[dict[str, Any]]:
        """Yield the whole state under the lock; write it back (atomically) when the block succeeds."""
        self._prepare()
        with open(self.lab_dir / LOCK, "a+", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self._load()
                before = json.dumps(state, sort_keys=True)
                yield state
                if json.dumps(state, sort_keys=True) != before:
                    self._save(state)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def read(self) -> dict[str, Any]:
        """The current state (under the lock, not written back)."""
        with self.transaction() as state:
            return json.loads(json.dumps(state))

    def _load(self) -> dict[str, Any]:
        if not self.state_path.exists():
            return {"format": FORMAT, "world": None, "servers": {}, "calls": {}, "unreachable": {}}
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise LabStateError(
                f"Lab state {self.state_path} is corrupt ({err}); reset the lab (make lab-reset or the "
                "hybrid_identity.entra_connect.lab_reset playbook)"
            ) from None
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise LabStateError(
                f"{self.state_path} is not lab state of this collection (format {FORMAT!r} expected); "
                "point entra_connect_lab_dir elsewhere or reset the lab"
            )
        return state

    def _save(self, state: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.lab_dir, prefix=STATE + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state, handle, sort_keys=True, separators=(",", ":"))
            os.replace(tmp, self.state_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def append_journal(self, entries: list[dict[str, Any]]) -> None:
        """Append journal lines; call inside a transaction so lines keep the order of changes."""
        if not entries:
            return
        with open(self.journal_path, "a", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry, sort_keys=True) + "\n")

    def journal(self) -> list[dict[str, Any]]:
        if not self.journal_path.exists():
            return []
        return [json.loads(line) for line in self.journal_path.read_text(encoding="utf-8").splitlines() if line]

    def reset(self) -> None:
        """Return the lab to its starting state: each host is rebuilt from its settings on next use."""
        self._prepare()
        with open(self.lab_dir / LOCK, "a+", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                for name in (STATE, JOURNAL):
                    (self.lab_dir / name).unlink(missing_ok=True)
                shutil.rmtree(self.lab_dir / REMOTE, ignore_errors=True)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
