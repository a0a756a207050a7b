"""One screen per drill-down level of the Amazon Sales Channel path."""
