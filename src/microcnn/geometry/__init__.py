"""Microstructures: grain seeds from a class's size distribution, their positions, the Laguerre
tessellation and the mesh files. MicroStructPy's objects throughout; never TensorFlow."""
