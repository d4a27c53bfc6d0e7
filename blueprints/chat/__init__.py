"""Ask the family centre: live chat channels where families talk with a professional."""
