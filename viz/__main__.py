"""``python -m viz``: draw an expression's computation graph (see ``python -m viz --help``)."""

import sys

from viz.cli.command import main

sys.exit(main())
