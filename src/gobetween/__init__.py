"""gobetween: buyer-seller messaging for online marketplaces."""

__version__ = "0.1.0"
