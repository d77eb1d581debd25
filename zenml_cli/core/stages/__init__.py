"""Stages: policies and planning who moves where, the promotion gates, rollback."""
