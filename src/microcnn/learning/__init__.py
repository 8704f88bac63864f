"""The CNN: networks, TensorFlow set-up, training, prediction, and descriptions of a trained
model. Never MicroStructPy. Only `model_files` is light enough for the Snakefile."""
