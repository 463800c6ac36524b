"""``python -m bot bench``: synthetic fact bases and the measurements run over them.

:mod:`bot.bench.synthetic` makes the bases and questions, :mod:`bot.bench.answering` times the engine against a
brute-force scan, :mod:`bot.bench.loading` loads a base through the store and drives the bot through SimCord,
:mod:`bot.bench.coldstart` times a cold ``python -m bot ask``, and :mod:`bot.bench.runner` runs each in a fresh
process and reports.
"""

__all__: list[str] = []
