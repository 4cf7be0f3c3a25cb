"""`python -m reader` does what the `papers` command does."""

from reader.cli import main

raise SystemExit(main())
