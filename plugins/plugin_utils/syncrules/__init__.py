# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sync rules as data: one shape, validation, the plan, renderers. For internal collection use only.

* ``_model.py``   the rule shape (connector by name), parsing and validation of a rules document;
* ``_plan.py``    current rules + desired rules -> per rule add / change / remove / unchanged;
* ``_sources.py`` the shape from a server's rules (Get-EntraConnectSyncRules) or a configuration export;
* ``_render.py``  the rules document and the Rules Editor's PowerShell script shape.
"""

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._model import (  # noqa: F401
    DesiredRules,
    Rule,
    load_rules,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._plan import (  # noqa: F401
    Plan,
    plan_rules,
)
