"""NeMO intents' settlement (`intents.py`); to join `kinds/nemo_manifests/` once it is free
to move. The refresh itself is `engine/refresh.py`."""
