"""Group activities ("träffpunkter"): family cafés, parent groups, park activities and virtual meetings.

- ``models``: activities, their dates, registrations and messages sent to families.
- ``registration``: registering, changing, cancelling and the waiting list, under a lock.
- ``series``: generating weekly or every-other-week dates over a term.
- ``calendar``: the public calendar (list and week views, filters) and availability.
- ``figures``: attendance figures per activity and term, aggregate numbers only.
- ``notifications`` and ``ics``: emails to families and calendar files and feeds.
- ``routes`` (public, ``/activities``) and ``staff`` (``/staff/activities``).
"""
