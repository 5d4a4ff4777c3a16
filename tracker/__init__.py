"""Event-sourced newsroom story tracker."""

__version__ = "0.1.0"
