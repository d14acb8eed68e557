"""The witness plugin SDK for Python.

Describe a plugin as a class: its name, version and summary as attributes, each command as a
method marked with ``@command``. The SDK answers the host's ``info`` call from them and routes
``run`` to the right method, so a plugin never handles WIT's ``result`` conventions itself::

    import wit_world
    from witness_plugin import Plugin, PluginError, command, config, log

    class WitWorld(Plugin, wit_world.WitWorld):
        name = "hello"
        version = "0.1.0"
        summary = "Greets people"

        @command("greet", "Greets everyone named on the command line")
        def greet(self, args):
            if not args:
                raise PluginError("greet needs at least one name")
            log.info(f"greeting {len(args)} people")
            return f"{config('greeting') or 'Hello'}, {' and '.join(args)}!"

``Plugin`` must come before ``wit_world.WitWorld`` among the bases, so that its ``info`` and
``run`` are the ones the component exports.

How a command fails, the same rule in every witness SDK (Rust: ``Err`` or a panic; JS:
``PluginError`` or anything else thrown):

- ``raise PluginError(message)``: the command fails normally; ``run`` returns
  ``err(message)`` and the plugin goes on.
- any other exception (``ValueError``, ``KeyError``, ... and also componentize-py's own
  ``Err``): a bug. The call traps (the host reports ``trap: unreachable``, the traceback goes
  to stderr) and the instance is dead, as after a Rust panic.
- an unknown command: ``err("unknown command `<name>`")``.

This is componentize-py's own rule for an export returning ``result``: an exception whose type
is exactly ``componentize_py_types.Err`` is the ``err`` value, any other exception is printed
and the runtime panics (componentize-py runtime/src/lib.rs: "Python function threw an
unexpected exception"), which is the wasm ``unreachable`` trap. The SDK turns a PluginError
into ``Err``, a command's own ``Err`` into a ``TypeError``, and lets every other exception
through.
"""

from typing import Callable, List, Optional

from componentize_py_types import Err
from wit_world.imports import host, types

Command = types.Command
PluginInfo = types.PluginInfo
LogLevel = types.LogLevel


class PluginError(Exception):
    """The error a command raises to fail normally: its message becomes the command's ``err``
    result. Any other exception makes the call trap."""


class _Log:
    """Writes lines to the application's log: ``log.info("…")``, ``log.warn("…")``, …"""

    def __getattr__(self, level: str) -> Callable[[str], None]:
        try:
            wit_level = LogLevel[level.upper()]
        except KeyError:
            raise AttributeError(f"no log level {level!r}") from None
        return lambda message: host.log(wit_level, str(message))


log = _Log()


def config(key: str) -> Optional[str]:
    """The value of ``key`` in this plugin's configuration, or ``None``."""
    return host.get_config(key)


def command(name: Optional[str] = None, summary: str = "") -> Callable:
    """Marks a method ``(self, args: list[str]) -> str`` as the command ``name``
    (default: the method's name with ``_`` as ``-``)."""

    def mark(method: Callable) -> Callable:
        method._witness_command = (name or method.__name__.replace("_", "-"), summary)
        return method

    return mark


class Plugin:
    """Base class of a plugin: implements the ``info`` and ``run`` exports."""

    name: str = ""
    version: str = "0.0.0"
    summary: str = ""

    @classmethod
    def _commands(cls):
        found = {}
        for klass in reversed(cls.__mro__):
            for attribute in vars(klass).values():
                marked = getattr(attribute, "_witness_command", None)
                if marked:
                    found[marked[0]] = (marked[1], attribute)
        return found

    def info(self) -> PluginInfo:
        commands = [Command(name, summary) for name, (summary, _) in self._commands().items()]
        return PluginInfo(self.name, self.version, self.summary, commands)

    def run(self, command: str, args: List[str]) -> str:
        entry = self._commands().get(command)
        if entry is None:
            raise Err(f"unknown command `{command}`")
        try:
            return str(entry[1](self, list(args)))
        except PluginError as error:
            raise Err(str(error)) from None
        except Err as error:
            # componentize-py's own convention, but not this SDK's: a command that raises
            # Err itself is failing in a way the other SDKs would trap on, so it traps too.
            raise TypeError(
                f"command `{command}` raised Err; raise PluginError to fail a command"
            ) from error
