"""Small programs for testing and diagnosing annotator (not part of the user-facing CLI)."""
