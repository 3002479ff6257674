"""stockpiles (domain package; its place in the layers: docs/architecture.md)."""
