"""Presentation: figures, the result directory of ``casim run``, its plots and report."""
