"""PDF summaries for professionals: one response, or one child over time, in Swedish, Finnish or English.

- ``routes``: the downloads, under the results pages' access rules, every attempt logged.
- ``summaries``: what a summary holds, gathered from results, bookings and activities.
- ``downloads``: a template rendered in the chosen language with the confidential header and footer.
- ``pdf``: HTML to a tagged PDF with WeasyPrint; ``css``: the page header and footer rules.
- ``charts``: score bars and trends drawn on the server as SVG.
"""
