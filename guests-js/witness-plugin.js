// The witness plugin SDK for JavaScript (plugin API witness:plugin@0.2.0): describe a plugin
// as plain data and functions, and export what `definePlugin` returns. It hides the WIT
// conventions of componentize-js (how `result` errors are thrown, how enums and records are
// spelled) behind plain JavaScript.
//
// How a command fails, the same rule in every witness SDK (Rust: `Err` or a panic; Python:
// `PluginError` or any other exception):
//
// - `throw new PluginError(message)`: the command fails normally; `run` returns
//   `err(message)` and the plugin goes on. A `FileError` from `readFile` is a PluginError.
// - anything else thrown (a `TypeError` from `null.foo`, `new Error("…")`, `throw "text"`):
//   a bug. The call traps (the host reports `trap: unreachable`, the error and its stack
//   go to stderr) and the instance is dead, as after a Rust panic.
// - an unknown command: `err("unknown command `<name>`")`.
//
//   import { definePlugin, arg, log, config, readFile, PluginError } from "witness-plugin";
//
//   export const { info, run } = definePlugin({
//     name: "hello",
//     version: "0.2.0",
//     summary: "Greets people",
//     commands: {
//       greet: {
//         summary: "Greets everyone named on the command line",
//         args: [arg.rest("names", "Who to greet"), arg.flag("shout", "Greet in capitals")],
//         run(args) {
//           if (args.names.length === 0) throw new PluginError("greet needs at least one name");
//           log.info(`greeting ${args.names.length} people`);
//           return `${config("greeting") ?? "Hello"}, ${args.names.join(" and ")}!`;
//         },
//       },
//     },
//   });
//
// What changed in 0.2.0: a command declares its `args` (built with `arg.*`), the host parses
// the command line against them and shows their help, and `run(args)` gets an object keyed
// by argument name (a string or `undefined` for `positional`, `optional` and `named`, an
// array for `rest`, a boolean for `flag`) instead of an array of words; `readFile(path)`
// reads a file from the directory the user granted. Plugins built with the 0.1 SDK keep
// running: the host runs witness:plugin@0.1.x plugins as they were built.
import { log as hostLog, getConfig, readFile as hostReadFile } from "witness:plugin/host@0.2.0";

/**
 * The error a command throws to fail normally: its message becomes the command's `err`
 * result. Any other thrown value makes the call trap.
 */
export class PluginError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "PluginError";
  }
}

/** Writes a line to the application's log at a level: `log.info("…")`, `log.warn("…")`, … */
export const log = Object.fromEntries(
  ["trace", "debug", "info", "warn", "error"].map((level) => [
    level,
    (message) => hostLog(level, String(message)),
  ]),
);

/** The value of `key` in this plugin's configuration, or `undefined`. */
export function config(key) {
  return getConfig(key);
}

/** The arguments a command declares, in order: `args: [arg.positional("path", "…")]`. */
export const arg = Object.fromEntries(
  ["positional", "optional", "rest", "named", "flag"].map((kind) => [
    kind,
    (name, help = "") => ({ name, help, kind }),
  ]),
);

/** A file `readFile` could not read; a PluginError, so an unhandled one fails the command. */
export class FileError extends PluginError {
  constructor(path, reason) {
    super(`cannot read \`${path}\`: ${reason}`);
    this.name = "FileError";
    this.path = path;
  }
}

/**
 * The bytes (a Uint8Array) of the file at `path`, relative to the directory the user
 * granted this plugin. Throws a FileError when it cannot be read.
 */
export function readFile(path) {
  try {
    return hostReadFile(path);
  } catch (error) {
    // componentize-js throws an import's `err` as an error whose `payload` is the value.
    const payload = error && Object.hasOwn(error, "payload") ? error.payload : undefined;
    if (!payload || typeof payload.tag !== "string") throw error;
    throw new FileError(path, readErrorReason(payload));
  }
}

/** The file at `path` (as `readFile`) as UTF-8 text. Throws a FileError. */
export function readText(path) {
  const bytes = readFile(path);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FileError(path, "it is not UTF-8 text");
  }
}

/** Why a read failed, in the words every witness SDK uses. */
function readErrorReason({ tag, val }) {
  switch (tag) {
    case "no-grant":
      return "no directory is granted to this plugin";
    case "outside-grant":
      return "it is outside the granted directory";
    case "not-found":
      return "no such file in the granted directory";
    case "too-large":
      return `it is larger than ${val} bytes`;
    default:
      return String(val);
  }
}

/** The `invocation`'s arguments as an object keyed by name, shaped by each one's kind. */
function argsObject(declared, given) {
  const byName = new Map(given.map(({ name, values }) => [name, values]));
  const args = {};
  for (const { name, kind } of declared) {
    const values = byName.get(name);
    if (kind === "rest") args[name] = values ?? [];
    else if (kind === "flag") args[name] = values !== undefined;
    else args[name] = values?.[0];
  }
  return args;
}

/**
 * Turns a plugin description into the `info` and `run` exports of the witness plugin world.
 * A command's `run(args)` returns the text to show; throwing a `PluginError` makes the
 * command fail with its message; throwing anything else makes the call trap.
 */
export function definePlugin({ name, version, summary, commands }) {
  const table = commands ?? {};
  return {
    info() {
      return {
        name,
        version,
        summary,
        commands: Object.entries(table).map(([command, spec]) => ({
          name: command,
          summary: spec.summary ?? "",
          arguments: (spec.args ?? []).map(({ name, help, kind }) => ({
            name,
            help: help ?? "",
            kind,
          })),
        })),
      };
    },
    run({ command, arguments: given }) {
      const spec = Object.hasOwn(table, command) ? table[command] : undefined;
      if (!spec) {
        throw `unknown command \`${command}\``; // a thrown string is `err`, see below
      }
      try {
        return String(spec.run(argsObject(spec.args ?? [], given)));
      } catch (error) {
        if (error instanceof PluginError) {
          throw String(error.message);
        }
        reportBug(command, error);
        throw new Error(`command \`${command}\` failed with something other than a PluginError`);
      }
    },
  };
}

// How the call fails on purpose. componentize-js 0.23.0 (js-component-bindgen 2.11) wraps
// the `run` export in bindings of this shape (print them with
// `componentize({ sourcePath, witPath, worldName, debug: { bindings: true, bindingsDir } })`):
//
//   try { ret = { tag: 'ok', val: await run(arg0, arg1) }; }  // (simplified)
//   catch (e) { ret = { tag: 'err', val: getErrorPayload(e) }; }
//   // then ret.val is lowered: _utf8AllocateAndEncode throws a TypeError for a non-string
//
//   function getErrorPayload(e) {  // jco js-component-bindgen, Intrinsic::GetErrorPayload
//     if (e && hasOwnProperty.call(e, 'payload')) return e.payload;
//     if (e instanceof Error) throw e;
//     return e;
//   }
//
// A thrown string is therefore the `err` value (jco's documented convention for a function
// returning `result`: "any thrown error of the function is treated as the result error
// type"); that is what a PluginError and an unknown command become. An Error without an own
// `payload` property can never become a `string` error: either getErrorPayload rethrows it,
// or (what 0.23 does, because the bindings run in StarlingMonkey's initializer global, whose
// `Error` is not the guest's) it is passed on as the payload and lowering it as a string
// throws "expected a string, received [object]". Both throws happen outside the bindings'
// try/catch, so the export's promise rejects; the embedding then reports the exception on
// stderr and calls abort(), the wasm `unreachable` trap (componentize-js
// embedding/embedding.cpp, `call`: "Unexpected promise state rejected"). componentize-js
// documents no trap or abort function for JavaScript, and `wasi:cli/exit` would end the call
// as an exit, not a trap, so throwing such an Error is the way to trap from `run`.
//
// The guest's own error is not what the runtime reports (only the bindings' TypeError), so
// `reportBug` writes it and its stack to stderr first. The error thrown is a fresh Error,
// whatever the guest threw: a thrown string or an Error with a string `payload` would
// otherwise become `err`. Checked with jco transpile for Error, TypeError, a string, a
// number, null and `{ payload }`; fixtures/plugin-failure pins the trap.

/** Writes an unexpected failure of `command`, with its stack, to stderr. */
function reportBug(command, error) {
  try {
    const stack = error instanceof Error && error.stack ? `\n${error.stack}` : "";
    console.error(`command \`${command}\` failed: ${describe(error)}${stack}`);
  } catch {
    // Nothing more to say: the call traps anyway.
  }
}

/** A thrown value, for a message: `TypeError: x is null`, `"text"`, `42`. */
function describe(value) {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
