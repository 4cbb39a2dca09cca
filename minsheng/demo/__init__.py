"""The demo: ``minsheng demo`` and the builders of its data (demo departments and figures for delivery, a
vote and a rating for voting). It stands above every app, so it may use all of them; no app imports it."""
