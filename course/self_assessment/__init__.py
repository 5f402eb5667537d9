"""Self assessment: models, rules and queries both audiences use."""
