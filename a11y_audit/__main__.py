"""``python -m a11y_audit``: the ``a11y-audit`` command."""

from a11y_audit.cli import main

if __name__ == "__main__":
    main()
