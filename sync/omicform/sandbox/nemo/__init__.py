"""The NeMO Archive part of the sandbox: the submission API at `/nemo/api` and the login
host at `/nemo-login`, following NeMO's documentation and the spec's documented guesses.
"""
