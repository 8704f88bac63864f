"""The classical measurement: ASTM E112 grain size from an image's pixels, and the baseline that
classifies it by the class boundaries. Never TensorFlow."""
