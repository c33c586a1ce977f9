"""codesearch: coding schemes for Coded ResNeXt."""

__version__ = "0.1.0"
