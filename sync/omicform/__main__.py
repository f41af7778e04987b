"""`python -m omicform`."""

from omicform.cli import main

main()
