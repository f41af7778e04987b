"""One module (or small package) per kind of object omicform manages, each behind the
`Kind` protocol of the engine."""
