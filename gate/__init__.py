"""CI gating: baselines, verdicts and the formats CI systems read.

In: :class:`~audits.model.OrganisationResults` of a stored run and a baseline
file. Out: a :class:`~gate.verdict.Verdict` (new / accepted / fixed grouped
issues, pass or fail) and its JUnit, SARIF, Markdown, JSON and GitHub forms.
Nothing here crawls: a verdict can be recomputed from the store at any time.
"""
