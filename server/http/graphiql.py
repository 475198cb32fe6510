"""GraphiQL from the server itself: Strawberry's page with its unpkg.com addresses pointed at
the copies in server/static/graphiql, so it works offline and behind a firewall."""

from __future__ import annotations

import re
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

ASSETS = Path(__file__).parent.parent / "static" / "graphiql"
ASSETS_PATH = "/graphiql-assets"
# Strawberry's addresses → the file kept here (see static/graphiql/README.md).
LOCAL = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "explorer.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "explorer.umd.js",
}
_EXTERNAL = re.compile(r'(src|href)="(https://[^"]+)"')
# Subresource-integrity and CORS attributes belong to the CDN copies.
_CDN_ATTRIBUTES = re.compile(r'\s+(integrity|crossorigin)="[^"]*"')


class UnknownAsset(RuntimeError):
    """Strawberry's page names a file not kept here: fetch it (see the README there)."""


def offline_graphiql_html() -> str:
    html = get_graphql_ide_html(graphql_ide="graphiql")

    def local(match: re.Match[str]) -> str:
        attribute, url = match.groups()
        if url not in LOCAL:
            raise UnknownAsset(url)
        return f'{attribute}="{ASSETS_PATH}/{LOCAL[url]}"'

    return _CDN_ATTRIBUTES.sub("", _EXTERNAL.sub(local, html))
