"""The support console: one screen that answers "why don't I see my account?".

It reads link status and sync runs, never balances, and so lives in `brokers/` and imports
nothing of `portfolio/`: the layering itself keeps money out of support's sight. Tokens, CIs
and full account numbers never reach its templates either: the selectors hand them only
masked, derived values. Every look and every action is written to the support audit log
(`accounts.models.SupportAudit`) and, for the user concerned, to their own activity log.
"""
