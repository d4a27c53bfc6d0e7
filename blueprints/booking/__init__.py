"""Appointment booking: free times, booking without an account, the staff agenda."""
