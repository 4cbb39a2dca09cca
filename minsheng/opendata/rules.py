"""Who may download open data: everyone, signed in or not. What is in it is public by construction (each
dataset's query keeps to what the public pages show: see :mod:`minsheng.opendata.datasets`)."""

import rules

rules.add_perm("opendata.download", rules.always_allow)
