"""Where a person's link and each of their accounts stand, and what they do next: decided here
only, shown by every page and e-mail (docs/architecture.md, "Where an account stands").

- `journey`: the link journey's step and the expiry alerts (also what the e-mails are sent for);
- `account`: one account's standing (`account_standing`);
- `connection`: the two combined, with the one piece of advice (`connection_standing`);
- `selectors`: the stored facts they are decided from.

Nothing is imported here, so that `brokers.models` may be imported by these modules.
"""
