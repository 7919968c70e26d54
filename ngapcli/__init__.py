"""ngap — cotation des soins infirmiers libéraux (NGAP Titre XVI)."""
__version__ = "0.1.0"
