"""The Textual UI of amazon-tui. The only package that imports Textual."""
