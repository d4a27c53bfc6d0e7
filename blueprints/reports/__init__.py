"""PDF summaries for professionals: one response, or one child over time, in Swedish, Finnish or English."""
