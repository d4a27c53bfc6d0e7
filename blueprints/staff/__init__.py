"""Today, the page every signed-in staff member starts the day on.

- ``routes``: the Today page and acknowledging an urgent flag.
- ``today``: what the day holds: urgent flags first, appointments, new answers, group activities.
- ``notices``: email notices to staff when answers arrive or an urgent flag waits, without client data.
- ``jobs``: sending those notices, each once (the scheduled jobs, and right after urgent answers).
- ``models``: acknowledgements of urgent flags and the notices; ``forms``: the acknowledgement form.
"""
