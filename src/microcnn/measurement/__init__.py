"""The classical measurement: ASTM E112 grain size from an image's pixels, and the grain-area
threshold fitted on it. Never TensorFlow."""
