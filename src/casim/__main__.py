"""``python -m casim`` is the ``casim`` command."""

import sys

from casim.cli import main

sys.exit(main())
