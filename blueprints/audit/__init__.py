"""The client-data audit log (Client Data Act 703/2023): who looked at whose data, when, where and why."""
