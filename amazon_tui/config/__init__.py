"""The config file (schema, paths, secrets), the settings of a run, logging."""
