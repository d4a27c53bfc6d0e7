"""The client-data audit log (Client Data Act 703/2023): who looked at whose data, when, where and why.

- ``models``: the entries, which the database refuses to change.
- ``log``: writing an entry in the same transaction as the view it records.
- ``words``: the log in the reader's words.
"""
