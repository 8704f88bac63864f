"""Every score and figure of the test set, computed once, for the CNN and the baseline alike."""
