"""The bundled demo: fictional signatories' sites and the loopback server that serves them."""
