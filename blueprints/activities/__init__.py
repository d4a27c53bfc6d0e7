"""Group activities ("träffpunkter"): family cafés, parent groups, park activities and virtual meetings.

- ``routes``: families' pages (``/activities``): the calendar, registering, the manage link.
- ``staff``: professionals (``/staff/activities``): activities, dates, lists, messages, figures.
- ``models``: activities, their dates, registrations and messages sent to families.
- ``forms``: the registration form and the staff's activity, date and message forms.
- ``registration``: registering, changing, cancelling and the waiting list, under a lock.
- ``series``: generating weekly or every-other-week dates over a term.
- ``calendar``: the public calendar (list and week views, filters) and availability.
- ``figures``: attendance figures per activity and term, aggregate numbers only.
- ``permissions``: which activities a staff member may run.
- ``notifications`` and ``ics``: emails to families and calendar files and feeds.
- ``demo``: demo activities for ``flask seed-demo``.
"""
