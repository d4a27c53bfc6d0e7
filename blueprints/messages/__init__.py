"""Ask the family centre: secure message threads, answered within working days."""
