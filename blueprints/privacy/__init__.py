"""Data protection for administrators: data requests (find, export, erase) and the audit log viewer."""
