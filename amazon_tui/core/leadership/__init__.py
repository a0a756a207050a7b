"""One leader per data dir (DESIGN 5b): the lease, the sync it runs for everyone, the
cancellations it drives, and the loops of long-running processes."""
