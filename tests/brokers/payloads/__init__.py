"""Example payloads of the open platform, copied verbatim as raw JSON text.

The seed examples are the ground truth for parsing (docs/upstream.md: where a description and
a seed disagree, the seed's example payloads win). They are kept exactly as printed, odd
spacing and float-looking counts included, because those oddities are what the parser has
to survive. Every one of them is valid JSON as printed: nothing was changed.

Sources:
- seeds/000_7e29b89efef9fd7b.txt (kept verbatim in tests/brokers/seeds/): the four account
  services' answers and request bodies.
- the platform notes the project was started from (summarised in docs/upstream.md): the
  common APIs' answers (register/search, consent/search) and the error bodies, which the
  seeds do not print.

One module an API family: `balance`, `portfolio`, `transactions`, `interest`, `member` (the
common APIs) and `errors`.
"""
