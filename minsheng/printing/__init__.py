"""Printed output for the office: bulletins (通报, PDF and Word) and QR posters for project sites (民生码).

See docs/bulletins-and-posters.md. Floor 5: reads plans and delivery, writes only its own bulletin records.
"""
