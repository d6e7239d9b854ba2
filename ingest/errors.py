"""Why a file could not be ingested, in one Japanese phrase shown to the user next to the file name."""


class LoadError(Exception):
    """A file that cannot be read as a guideline document; the message is the Japanese reason."""
