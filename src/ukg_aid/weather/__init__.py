"""Weather holds (SPEC §12): an area or a base where Doctor-Helis may not fly for a while."""
