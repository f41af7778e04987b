"""Values only: the plan, its changes and their actions, and how a plan is shown.

Nothing here reads a file or talks to a service; every layer above may use these.
"""
