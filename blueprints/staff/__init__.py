"""Today, the page every signed-in staff member starts the day on.

- ``routes``: the Today page and acknowledging an urgent flag.
- ``today``: what the day holds: urgent flags first, appointments, new answers, group activities.
- ``models``: acknowledgements of urgent flags; ``forms``: the acknowledgement form.
"""
