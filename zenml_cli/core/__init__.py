"""Registry rules over the store: names, numbering, stages, history, listing, checks.

Pure Python, never prints; every function takes the Store it works on as its first argument.
"""
