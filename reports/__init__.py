"""Reports: render stored results for people (HTML) and machines (JSON, CSV).

In: :class:`~audits.model.OrganisationResults` (read from the store by the CLI).
Out: files. Nothing here crawls or opens a database.
"""
