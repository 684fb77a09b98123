"""Points (积分): the households' ledger, its balances, corrections and voids."""
