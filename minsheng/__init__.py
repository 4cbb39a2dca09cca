"""minsheng: a government's yearly list of livelihood pledges, from suggestion to verdict."""
