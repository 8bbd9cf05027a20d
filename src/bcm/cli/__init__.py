"""Thin command-line shell: parse input, call services, render output."""
