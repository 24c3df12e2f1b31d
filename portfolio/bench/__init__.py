"""What `manage.py bench_sync` needs besides the command itself: its own sandbox, the population
it syncs, storage estimates and the report."""
