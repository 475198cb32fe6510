"""Demo and benchmark data: the demo company people can sign in to, and bulk volumes."""
