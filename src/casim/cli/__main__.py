"""``python -m casim.cli`` is the ``casim`` command."""

import sys

from casim.cli import main

sys.exit(main())
