"""Local checks that mirror what a remote service will verify, run before anything is sent."""
