"""Synthetic microstructures and a CNN that classifies their grain size."""

__version__ = "0.1.0"
