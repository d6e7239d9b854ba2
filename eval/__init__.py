"""Evaluation of the assistant against the fixed Q&A set (`python -m eval`)."""
