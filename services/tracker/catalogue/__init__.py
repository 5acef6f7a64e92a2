"""A municipality's agenda as a YAML file, and the loader that registers it as events."""
