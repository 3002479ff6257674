"""ukg-aid: mutual-aid dispatch service of the Union of Kansai Governments."""

__version__ = "0.1.0"
