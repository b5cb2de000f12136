"""The sandbox portal: a loopback HTTP server that behaves like a Bitrix24 portal.

It emulates the documented REST methods, errors and limits, the OAuth token server and
the outgoing events, for ``b24-console --demo`` and for the client and listener tests.
``tests/sandbox/documented/`` holds the documented examples of every method it emulates;
``tests/sandbox/test_documented_examples.py`` runs them against it over HTTP.

Where the documentation contradicts itself, the sandbox picks one reading:

* A ``batch`` of more than 50 commands: the system-errors page says the whole call is
  refused (HTTP 400 ``ERROR_BATCH_LENGTH_EXCEEDED``, nothing runs); the batch page says the
  commands past the 50th fail on their own. The sandbox refuses the whole call. The REST
  client handles both: it never sends more than 50, and if a portal refuses a request as
  too long, either way, it sends the commands that did not run again in smaller requests.
* A nested ``batch`` inside a ``batch`` fails that one command
  (``ERROR_BATCH_METHOD_NOT_ALLOWED`` in ``result_error``); the batch answers 200.
* Error codes are written as each family's pages write them: numbers on ``sale.*``
  (``"error": 201240400001``), strings on ``crm.*`` (``"error": "201650000001"``).
* ``crm.orderentity.add`` for an order that has a link replaces it; only the same
  order, owner type and owner again is the duplicate error ``201650000001``.
"""

from console.sandbox.faults import Faults
from console.sandbox.portal import SandboxConfig, SandboxPortal
from console.sandbox.state import PortalState

__all__ = ["Faults", "PortalState", "SandboxConfig", "SandboxPortal"]
