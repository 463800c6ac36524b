"""The Discord adapter: a thin layer of slash commands, views and modals over the fact service.

Everything that imports ``discord`` lives in this package, so the command line can answer questions without
loading it. Build the bot with :func:`bot.discord_app.client.create_bot`.
"""
