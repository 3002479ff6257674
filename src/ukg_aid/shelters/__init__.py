"""Shelters (避難所): evacuee counts, their history, and needs estimated from them (§10)."""
