"""Questionnaires: instrument definitions as data, exact scoring, and their use with families.

- ``routes``: families' pages (``/q``): open the link, answer page by page, review, send.
- ``staff``: professionals (``/staff/questionnaires``): children, invitations, results, comparisons.
- ``models``: stored instrument versions; children, visits, responses and answers.
- ``forms``: the professional's forms (a child, an invitation, sharing a case, notes).
- ``definition``: read and check an instrument's YAML file into typed objects.
- ``conditions``: the rules for showing items, choosing bands, raising flags and outcomes.
- ``scoring``: a pure function from a definition and a parent's answers to a result.
- ``store``: importing definitions as new, never rewritten versions, and loading one to score with.
- ``answering``: saving each answer as it is given, the review and sending.
- ``invitations``: inviting families, visits with their questionnaires, links and their states.
- ``cases``: a child as a person (name, date of birth, personal identity code, guardians).
- ``case_access``: on what basis a professional may read a child's questionnaires.
- ``results``: one response's scores, flags and outcome, and a child's history.
- ``notifications``: the invitation email to the family (staff are told by ``staff.notices``).
- ``commands``: ``flask questionnaires validate|import|score`` for municipal staff.
- ``demo``: demo instruments and invitations for ``flask seed-demo``.

The format is described for authors in ``docs/instruments.md``.
"""
