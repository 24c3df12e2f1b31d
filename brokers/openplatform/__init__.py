"""The KOSCOM open platform adapter: parsing of its answers (pure), and its client."""
