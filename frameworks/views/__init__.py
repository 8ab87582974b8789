"""Thin views: pick the object, ask a module for what to show, render it."""
