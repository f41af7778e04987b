"""The kind-agnostic engine: refresh, plan and apply walk the registered kinds in dependency
order and never name one. What a kind knows lives in `omicform.kinds`."""
