"""Output formats: one module per format, each turning assessments into text. No evaluation here."""
