"""The witness plugin SDK for Python (plugin API witness:plugin@0.2.0).

Describe a plugin as a class: its name, version and summary as attributes, each command as a
method marked with ``@command``. The SDK answers the host's ``info`` call from them and routes
``run`` to the right method, so a plugin never handles WIT's ``result`` conventions itself::

    import wit_world
    from witness_plugin import Plugin, PluginError, arg, command, config, log

    class WitWorld(Plugin, wit_world.WitWorld):
        name = "hello"
        version = "0.2.0"
        summary = "Greets people"

        @command("greet", "Greets everyone named on the command line",
                 args=[arg.rest("names", "Who to greet"), arg.flag("shout", "Greet in capitals")])
        def greet(self, args):
            if not args["names"]:
                raise PluginError("greet needs at least one name")
            log.info(f"greeting {len(args['names'])} people")
            return f"{config('greeting') or 'Hello'}, {' and '.join(args['names'])}!"

What changed in 0.2.0: a command declares its ``args`` (built with ``arg.*``), the host parses
the command line against them and shows their help, and the method gets a dict keyed by
argument name (a string or ``None`` for ``positional``, ``optional`` and ``named``, a list for
``rest``, a bool for ``flag``) instead of a list of words; ``read_file(path)`` reads a file
from the directory the user granted. Plugins built with the 0.1 SDK keep running: the host
runs witness:plugin@0.1.x plugins as they were built.

``Plugin`` must come before ``wit_world.WitWorld`` among the bases, so that its ``info`` and
``run`` are the ones the component exports.

How a command fails, the same rule in every witness SDK (Rust: ``Err`` or a panic; JS:
``PluginError`` or anything else thrown):

- ``raise PluginError(message)``: the command fails normally; ``run`` returns
  ``err(message)`` and the plugin goes on. A ``FileError`` from ``read_file`` is a
  PluginError.
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

from typing import Callable, Dict, List, Optional

from componentize_py_types import Err
from wit_world.imports import host, types

Argument = types.Argument
ArgumentKind = types.ArgumentKind
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


class _Arg:
    """The arguments a command declares: ``arg.positional("path", "…")``, ``arg.optional``,
    ``arg.rest``, ``arg.named`` (``--name VALUE``) and ``arg.flag`` (``--name``)."""

    def __getattr__(self, kind: str) -> Callable[..., Argument]:
        try:
            wit_kind = ArgumentKind[kind.upper()]
        except KeyError:
            raise AttributeError(f"no argument kind {kind!r}") from None
        return lambda name, help="": Argument(name, help, wit_kind)


arg = _Arg()


class FileError(PluginError):
    """A file ``read_file`` could not read; a PluginError, so an unhandled one fails the
    command."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"cannot read `{path}`: {reason}")
        self.path = path


def _read_error_reason(error) -> str:
    """Why a read failed, in the words every witness SDK uses."""
    if isinstance(error, types.ReadError_NoGrant):
        return "no directory is granted to this plugin"
    if isinstance(error, types.ReadError_OutsideGrant):
        return "it is outside the granted directory"
    if isinstance(error, types.ReadError_NotFound):
        return "no such file in the granted directory"
    if isinstance(error, types.ReadError_TooLarge):
        return f"it is larger than {error.value} bytes"
    return str(getattr(error, "value", error))


def read_file(path: str) -> bytes:
    """The bytes of the file at ``path``, relative to the directory the user granted this
    plugin. Raises FileError when it cannot be read."""
    try:
        return host.read_file(path)
    except Err as error:
        raise FileError(path, _read_error_reason(error.value)) from None


def read_text(path: str) -> str:
    """The file at ``path`` (as ``read_file``) as UTF-8 text. Raises FileError."""
    data = read_file(path)
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise FileError(path, "it is not UTF-8 text") from None


def command(name: Optional[str] = None, summary: str = "", args=()) -> Callable:
    """Marks a method ``(self, args: dict) -> str`` as the command ``name`` (default: the
    method's name with ``_`` as ``-``) taking the arguments ``args`` (see ``arg``)."""

    def mark(method: Callable) -> Callable:
        method._witness_command = (
            name or method.__name__.replace("_", "-"),
            summary,
            list(args),
        )
        return method

    return mark


def _args_dict(declared: List[Argument], given) -> Dict[str, object]:
    """The invocation's arguments keyed by name, shaped by each one's kind."""
    by_name = {value.name: list(value.values) for value in given}
    args: Dict[str, object] = {}
    for argument in declared:
        values = by_name.get(argument.name)
        if argument.kind == ArgumentKind.REST:
            args[argument.name] = values or []
        elif argument.kind == ArgumentKind.FLAG:
            args[argument.name] = values is not None
        else:
            args[argument.name] = values[0] if values else None
    return args


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
                    found[marked[0]] = (marked[1], marked[2], attribute)
        return found

    def info(self) -> PluginInfo:
        commands = [
            Command(name, summary, declared)
            for name, (summary, declared, _) in self._commands().items()
        ]
        return PluginInfo(self.name, self.version, self.summary, commands)

    def run(self, invocation) -> str:
        command = invocation.command
        entry = self._commands().get(command)
        if entry is None:
            raise Err(f"unknown command `{command}`")
        _, declared, method = entry
        try:
            return str(method(self, _args_dict(declared, invocation.arguments)))
        except PluginError as error:
            raise Err(str(error)) from None
        except Err as error:
            # componentize-py's own convention, but not this SDK's: a command that raises
            # Err itself is failing in a way the other SDKs would trap on, so it traps too.
            raise TypeError(
                f"command `{command}` raised Err; raise PluginError to fail a command"
            ) from error
