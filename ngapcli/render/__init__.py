"""Renderers: a Result to a rich table (table.py) or to JSON / CSV (data.py).

Tables are read by French nurses: numbers there use the decimal comma (« AMI 1,5 », « 4,73 € »);
JSON and CSV keep the dot of the contract.
"""


def fr(value) -> str:
    """A number as a French reader writes it: 4,73 ; 1,5."""
    return "—" if value is None else str(value).replace(".", ",")


def euros(value) -> str:
    return "—" if value is None else f"{fr(value)} €"
