"""Plans: a region's yearly list of livelihood pledges, its versions, actions, items, targets and standards."""
