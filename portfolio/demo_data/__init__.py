"""Demo-like portfolio data written straight into the tables, for tests and the benchmark
(`portfolio.demo_data.seed.portfolio_seed`)."""
