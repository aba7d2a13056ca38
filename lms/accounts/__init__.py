"""Accounts, learner profiles, org units and role grants."""
