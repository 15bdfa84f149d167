"""
The demo generators' random numbers (scripts/gen-demo-scenario.py, scripts/gen-demo-spells.py):
a generator fully specified here, so that the same seed gives the same draws, and so the same
file, on every machine and Python version (no library generator).
"""
MASK = (1 << 64) - 1


class SplitMix64:
    """Steele, Lea and Flood's splitmix64: small, fully specified, the same everywhere."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        """[0, 1), 53 bits."""
        return (self.next() >> 11) * (1.0 / (1 << 53))

    def tri(self):
        """Triangular on (-1, 1): the sum of two uniforms, centred. Bounded, peaked at 0."""
        return self.uniform() + self.uniform() - 1.0

    def pick(self, cumulative):
        """An index drawn with the weights whose running totals are CUMULATIVE."""
        u = self.uniform() * cumulative[-1]
        for i, c in enumerate(cumulative):
            if u < c:
                return i
        return len(cumulative) - 1
