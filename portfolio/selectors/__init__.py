"""Reads for the dashboard: holdings now and on a past day, valuation series and returns.

Each read issues a fixed number of queries whatever the number of holdings, days or accounts,
and every read of user data goes through `for_user`, so a page cannot show another user's rows.
Pages read stored daily valuations; nothing here replays history.
"""
