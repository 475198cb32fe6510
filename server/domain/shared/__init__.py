"""The shared room: helpers every domain area may use and none owns (errors, the clock,
ids, paging, validation, optimistic versions, UTC datetime columns, bulk writes).

Nothing here imports a domain area; the layers contract in pyproject.toml keeps it so.
"""
