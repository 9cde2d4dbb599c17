"""Facts announced across domains. Senders never import the listeners (see docs/ARCHITECTURE.md)."""
from blinker import Namespace

_signals = Namespace()

user_signed_in = _signals.signal("user-signed-in")
staff_imported = _signals.signal("staff-imported")
