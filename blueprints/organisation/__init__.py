"""The municipality's family centres and the services they offer (shared by booking and activities).

- ``models``: centres and services, with their names, addresses and booking rules.
- ``admin``: administrators (``/admin/centres``, ``/admin/services``): lists and edit forms.
- ``forms``: the centre and service forms.
- ``demo``: demo centres and services for ``flask seed-demo``.
"""
