"""Appointment booking: free times, booking without an account, the staff agenda.

- ``routes``: families' pages (``/book``): services, free times, details, the manage link.
- ``staff``: professionals and reception (``/staff``): agenda, attendance, moving, cancelling,
  phone bookings, blocked time, the calendar feed.
- ``admin``: administrators (``/admin/professionals``): profiles, working hours, absences.
- ``models``: professionals' profiles, working hours, absences, appointments, earlier-time wishes and holds.
- ``forms``: every booking form, the families', the staff's and the administrators'.
- ``appointments``: booking, moving, cancelling, recording attendance and blocking time, under a lock.
- ``free_times``: pure computation of free times from working hours, absences and bookings.
- ``time_search``: loads those inputs from the database and carries a chosen time through forms.
- ``times_page``: the "find a time" page shared by families booking, families moving and staff.
- ``agenda_days``: a professional's appointments and absences, day by day.
- ``working_hours``: the rule that a person's working hours never overlap.
- ``permissions``: whose appointments a staff member may see and manage.
- ``earlier_times``: the earlier-time waiting list: wishes, times held for a family, taking and declining.
- ``details_step``: step 3 (the family's details and the booking), shared by families, staff and offers.
- ``notifications`` and ``ics``: emails and text messages to families, calendar files and feeds.
- ``holidays``: Finnish public holidays, when no one can book.
- ``jobs``: the reminder and earlier-time jobs; ``demo``: demo data for ``flask seed-demo``.
"""
