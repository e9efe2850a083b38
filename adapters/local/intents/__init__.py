"""Offline intent routing and entity extraction: the local adapter of the IntentClassifier port."""

from .classifier import LocalIntentClassifier

__all__ = ["LocalIntentClassifier"]
