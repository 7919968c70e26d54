"""Renderers: a Result to a rich table (table.py) or to JSON / CSV (data.py).

Tables are read by French nurses: numbers there are written as in France (fmt.py: « AMI 1,5 »,
« 1 234,73 € », « −2,36 »); JSON and CSV keep the dot of the contract.
"""
from ngapcli.render.fmt import euros, number


def fr(value) -> str:
    """A number as a French reader writes it: 4,73 ; 1,5 ; 1 234,50 ; −2,36 (see fmt.number)."""
    return number(value)


__all__ = ["euros", "fr"]
