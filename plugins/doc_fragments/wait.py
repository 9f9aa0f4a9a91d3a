# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The options of every module that waits for the sync engine: one name per concept.
    # Each module sets its own default next to its options.
    DOCUMENTATION = r"""
options:
  timeout:
    description:
      - Seconds to wait for the sync engine - for an idle engine before the module starts or
        writes, and, where the module waits for a run, for that run to finish.
      - The waiting is short reads from the controller, never one long remote call; C(0) reads
        the status once.
    type: int
  poll_interval:
    description:
      - Seconds between two reads of the sync status while waiting; C(1) or more.
    type: int
"""
