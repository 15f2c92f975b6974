"""Ontario notices (N1, N4, N11) as pure rules: dates, checks, arrears, reminders, the plan and the PDF.

No AWS and no other domain: the notices service maps its tenancy, unit and ledger into `models`
and calls `evaluate.calculate` / `evaluate.evaluate`, `arrears.rent_arrears`, `n1.details`,
`reminders.reminders`, `plan.plan_row` and `document.render`. The rules are data (`rules.RULES`).
"""
