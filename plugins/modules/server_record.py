#!/usr/bin/python
# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a stub to get the docs working, the implementation is an action plugin
# (plugins/action/server_record.py); the documentation is in server_record.yml.
