"""Coached parenting programmes: week by week, with a coach, from the offer after screening to the follow-up.

- ``definition``: the programme file format (YAML and images) and its checks;
- ``store``: importing versions, loading them;
- ``enrolments``: a family's way through a programme and the coach's actions;
- ``routes``: the family's programme page (secret link) and open self-paced courses;
- ``staff``: the coach's caseload, a family's programme, enrolling, figures for the municipality.
"""
