"""The HTTP edge: the Starlette app, its middleware and routes, and GraphiQL."""
