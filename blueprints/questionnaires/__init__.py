"""Questionnaires: instrument definitions as data, exact scoring, and stored versions.

- ``definition``: read and check an instrument's YAML file into typed objects.
- ``conditions``: the rules for showing items, choosing bands, raising flags and outcomes.
- ``scoring``: a pure function from a definition and a parent's answers to a result.
- ``models`` and ``store``: the stored, never rewritten versions of each instrument.
- ``commands``: ``flask questionnaires validate|import|score`` for municipal staff.

The format is described for authors in ``docs/instruments.md``.
"""
