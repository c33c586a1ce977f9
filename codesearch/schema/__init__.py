"""Package data: the JSON Schema of scheme JSON v1 (scheme-v1.json)."""
