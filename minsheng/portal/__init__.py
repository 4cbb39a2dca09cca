"""Portal: the public, read-only pages. Views only; reads come from the apps' selectors."""
