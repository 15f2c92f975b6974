"""Property operations: properties, units, tenancies, the rent ledger and property-scoped access."""
