"""Writes of what a sync brings: holdings, their history, valuations, transactions, watchlists.

Each function writes one account's data of one kind, inside `transaction.atomic`, so it is whole
or not there at all; called inside the caller's own atomic block (one per account sync), it
becomes a savepoint of it, and a failure anywhere in the sync leaves the previous data intact.

Each issues a FIXED number of SQL statements, whatever the number of holdings or transactions:
rows are read once, compared in Python, and written with one bulk statement per kind of change
(INSERT … ON CONFLICT DO UPDATE, one DELETE or UPDATE over a list of ids). A statement with
nothing to write is skipped, so an idle day writes little. The numbers are in each docstring.

Values are quantized to their column's scale before they are compared with what is stored, so
that "unchanged" means unchanged in the database and applying the same answer twice writes
nothing new.
"""
