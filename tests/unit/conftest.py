"""Make the collection importable one way only: ansible_collections.hybrid_identity.entra_connect.

`make venv` creates .collections/ansible_collections/hybrid_identity/entra_connect -> repository;
putting .collections first on sys.path lets `ansible_collections` (a namespace package shared
with the `ansible` package's bundled collections) resolve this collection from the working tree.
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, ".collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "hybrid_identity", "entra_connect")

if not os.path.isdir(LINK):
    raise RuntimeError(f"{LINK} is missing: run `make venv` first")
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
