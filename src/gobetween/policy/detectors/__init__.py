"""Detectors the rules stand on: phones, links, e-mails, emoji, markup, attachments, language.

Each detector is a pure function over the message (or its `normalize()` views) that returns hits
with spans into the ORIGINAL text, so a rule can name the exact offending characters.
"""
