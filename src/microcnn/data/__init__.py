"""Dataset files: the records table and its figures, the train/test split, manifests and
prediction tables."""
