"""The levels that tell a rendered image's white margin from its specimen, in every look: what
the renderer writes and what readers of an image (the network's margin mask, the training
zoom's fill) rely on. A module of its own so that readers do not import the renderer."""

# The margin's level in every channel: pure white.
MARGIN_LEVEL = 255
# The brightest a specimen pixel may be: never MARGIN_LEVEL, so "not white" keeps meaning
# "specimen" in every look.
SPECIMEN_MAX = 250
