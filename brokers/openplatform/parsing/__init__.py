"""Pure functions from the open platform's JSON to our records (`brokers.records`).

The platform's answers are loose (docs/upstream.md, "Quirks the client must survive"): a value
may be missing, null, "null" or ""; numbers may be strings or scientific notation; echoed strings
carry stray spaces; field names vary between services. Everything here absorbs that variety
once, so that the rest of the code sees exact `Decimal`s, `date`s, stripped strings and `None`.

What cannot be understood raises `ParseError` and yields nothing: an answer is taken whole or
not at all, so a sync never stores half of a page. Errors name the place in the payload but
never a value, because values are personal financial data.

Nothing here performs I/O or imports Django.

One concern a module: `values` (the loose values), `answer` (the text and the answer's own
result code), and one module a family of services: `member` (membership and links),
`holdings` (balance and portfolio), `transactions` and `interest` (the watchlist).
"""
