"""The dashboard: overview (the signed-in home), holdings, transactions, watchlists, one
account, chart data, and the privacy toggle.

Every view reads through `for_user(request.user)` (in `portfolio.selectors`), so another
user's ids answer 404, and issues a fixed number of queries whatever the number of holdings or
days (tests/portfolio/test_query_counts.py). Pages read stored daily valuations; the only
arithmetic over history is the TWR chain over the range's rows, read in one query.

In privacy mode (`User.privacy_mode`) no amount is put into a page or a chart payload:
templates print amounts only through `{% amount %}`, which masks them, and chart endpoints
send indexed series and shares.
"""
