"""Risk: uncertain inputs and price paths, the chunked Monte Carlo, tornado and Sobol indices."""

#: Default samples per chunk of the Monte Carlo: large enough that Python's fixed cost per chunk
#: (about 7 ms) is a few percent of the work, small enough that a worker stays near 420 MB
#: whatever the number of samples (a larger ``--chunk`` is evaluated in pieces of
#: ``montecarlo.PIECE``, this chunk's size). Here, not in ``montecarlo``, so that the command
#: line can show it without importing the Monte Carlo and its distributions (about 0.15 s).
CHUNK = 8192
