"""Accounts: the people who use minsheng, their roles, and the audit trail of what they did."""
