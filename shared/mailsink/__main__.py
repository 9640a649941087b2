"""`python -m shared.mailsink`: see shared/mailsink/__init__.py."""

from shared.mailsink import main

main()
