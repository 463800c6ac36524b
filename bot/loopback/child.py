"""``python -m bot.loopback.child BASE_URL``: ``python -m bot run`` against the loopback Discord at ``BASE_URL``
instead of discord.com (REST under BASE_URL/api/v10, the gateway at BASE_URL/gateway). Settings come from the
environment, as for the real command."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv: list[str]) -> int:
    """Point discord.py at the loopback server, then run the bot exactly as ``python -m bot run`` does."""
    if len(argv) != 1:
        print("usage: python -m bot.loopback.child BASE_URL", file=sys.stderr)
        return 2
    import discord.gateway
    import discord.http
    import yarl

    base = argv[0].rstrip("/")
    discord.http.Route.BASE = f"{base}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http", "ws", 1) + "/gateway")
    from bot.cli import main as cli

    return cli(["run"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
