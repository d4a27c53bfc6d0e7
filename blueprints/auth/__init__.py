"""Staff accounts: sign-in with password and one-time code, sessions, password rules."""
