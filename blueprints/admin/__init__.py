"""Administration: staff accounts now; centres, services and settings as features arrive."""
