# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""lxml, imported once, with the one safe parser configuration. For internal collection use only.

lxml is a controller requirement (requirements.txt). The import is guarded so that a controller
without it gets a clear message from the module that needs it, not an import traceback.
"""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import (
    EntraConnectError,
)

try:
    from lxml import etree
except ImportError:  # pragma: no cover - exercised only on a controller without lxml
    etree = None


def require_lxml() -> None:
    if etree is None:
        raise EntraConnectError(
            "The Python library lxml is required on the controller for this module: "
            "install it with 'pip install lxml' in the Python that runs Ansible "
            "(it is listed in the collection's requirements.txt)"
        )


#: Options for etree.XMLParser and etree.iterparse alike: never resolve entities, load a DTD or
#: touch the network; keep libxml2's size and depth limits on (huge_tree off).
SAFE_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def safe_xml_parser():
    """An lxml parser that never resolves entities, loads a DTD or touches the network.

    libxml2's size and depth limits stay on (``huge_tree=False``).
    """
    require_lxml()
    return etree.XMLParser(**SAFE_PARSER_OPTIONS)
