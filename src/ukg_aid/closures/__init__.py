"""Closures per incident (SPEC §11): closed crossings and areas a coordinator records; active
ones are frozen into every plan's inputs (``matching.Problem.closures``)."""
