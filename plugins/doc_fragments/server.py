# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # What every module that acts on an Entra Connect server shares: the transport and the lab.
    DOCUMENTATION = r"""
attributes:
  platform:
    platforms:
      - windows
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
notes:
  - This module runs on the controller (it is an action plugin) and acts on the target host
    through small PowerShell helpers sent with M(ansible.windows.win_powershell) over the host's
    connection (winrm, psrp or ssh); the collection C(ansible.windows) must be installed. The
    account needs local administrator rights and membership of the ADSyncAdmins group.
  - The host variable C(entra_connect_backend) selects where it acts. C(windows) (the default) is a
    real server. C(lab) is an emulated server kept on the controller in C(entra_connect_lab_dir)
    (default C(.lab) beside the inventory), so every playbook can be rehearsed with no Windows;
    see C(inventories/lab/) in the collection.
  - Results from a server are checked against the collection's helper contract; an unexpected
    shape fails with the helper name and the field instead of a traceback.
  - If the host stops answering during the task, the task is reported unreachable and its
    message lists the steps already done.
"""
