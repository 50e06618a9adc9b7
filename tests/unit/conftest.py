"""Make the collection importable as ansible_collections.pbxguard.hardening.

The checkout is not itself under ansible_collections/; the repo's ignored
.collections/ folder holds a symlink that is. Setting PYTHONPATH to it works too.
"""

import sys
from pathlib import Path

COLLECTIONS = Path(__file__).resolve().parents[2] / ".collections"

if COLLECTIONS.is_dir() and str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
