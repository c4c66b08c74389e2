"""Op-table rows, one module per op family; each defines OPS."""
