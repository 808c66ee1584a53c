"""The model: world state, the agents' decisions and yearly indicators. No simpy here."""
