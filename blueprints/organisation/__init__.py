"""The municipality's family centres and the services they offer (shared by booking and activities)."""
