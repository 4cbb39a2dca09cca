"""Plumbing every app shares, written once (docs/architecture.md).

The ground floor: it imports Django and nothing from minsheng's apps, so that every app may use it.

- :mod:`minsheng.common.services`: what a service does around its write (require a rule, validate into the
  service's own error, lock a row, write in the site's language, label an item, link a page);
- :mod:`minsheng.common.workflow`: a workflow declared once as a table of steps (the rule and the states
  each step is allowed from), read by the service that runs a step and by the selector that shows buttons;
- :mod:`minsheng.common.web`: what the views share (a refusal as a page, a service's error on its form, the
  conflict page, one access helper that answers 404 for missing and forbidden alike).
"""
