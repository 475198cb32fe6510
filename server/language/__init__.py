"""The server's language: message catalogues, negotiation, and the tool that keeps them in step."""
