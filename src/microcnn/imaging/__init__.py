"""Pictures: tessellations rendered in each look, sample grids, and reading users' images.
Never TensorFlow."""
