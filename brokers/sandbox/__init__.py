"""A faithful stand-in for the open platform and its portal, for development and tests."""
