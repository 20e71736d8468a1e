"""Reports: render stored results for people (HTML, in English or Dutch) and machines
(JSON, CSV, EARL).

In: :class:`~audits.model.OrganisationResults` (read from the store by the CLI).
Out: files. Nothing here crawls or opens a database.
"""
