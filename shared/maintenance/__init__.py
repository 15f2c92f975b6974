"""Work orders' pure rules: triage, the status machine, SLAs, RTA s.27 entry windows and property health.

Nothing here touches AWS or another domain: every function takes plain values (and the moment and
time zone it should judge by) and returns a result with its reasons, so the rules are tested as
tables of cases and the storage built later only has to call them.
"""
