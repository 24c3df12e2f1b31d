"""The sandbox's HTTP endpoints: OAuth, the portal, the platform APIs, identity and control."""
