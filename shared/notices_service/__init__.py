"""The notices service (issue 14): storage, use cases and the reminder job over `shared.notices`' pure rules.

`shared.notices` decides dates and checks and knows nothing of storage or other domains; this package
maps the properties domain (tenancy, unit, ledger) into the rules' inputs (`facts`), keeps notices and
their reminders (`repository`), scopes every call through `shared.properties.scope` (`service`), and
runs the hourly `NoticeReminders` job (`job`). See docs/notices.md.
"""
