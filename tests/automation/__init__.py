"""Tests of the automation runtime."""
