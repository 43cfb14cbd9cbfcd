"""The oracle: the reference two-layer network, the gradient checker and the diagnoser.

NumPy only, valid Python 3.7 syntax, float64 throughout.
"""
