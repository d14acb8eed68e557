// The witness plugin SDK for JavaScript: describe a plugin as plain data and functions,
// and export what `definePlugin` returns. It hides the WIT conventions of componentize-js
// (how `result` errors are thrown, how enums are spelled) behind plain JavaScript.
//
// How a command fails, the same rule in every witness SDK (Rust: `Err` or a panic; Python:
// `PluginError` or any other exception):
//
// - `throw new PluginError(message)`: the command fails normally; `run` returns
//   `err(message)` and the plugin goes on.
// - anything else thrown (a `TypeError` from `null.foo`, `new Error("…")`, `throw "text"`):
//   a bug. The call traps (the host reports `trap: unreachable`, the error and its stack
//   go to stderr) and the instance is dead, as after a Rust panic.
// - an unknown command: `err("unknown command `<name>`")`.
//
//   import { definePlugin, log, config, PluginError } from "witness-plugin";
//
//   export const { info, run } = definePlugin({
//     name: "hello",
//     version: "0.1.0",
//     summary: "Greets people",
//     commands: {
//       greet: {
//         summary: "Greets everyone named on the command line",
//         run(args) {
//           if (args.length === 0) throw new PluginError("greet needs at least one name");
//           log.info(`greeting ${args.length} people`);
//           return `${config("greeting") ?? "Hello"}, ${args.join(" and ")}!`;
//         },
//       },
//     },
//   });
import { log as hostLog, getConfig } from "witness:plugin/host@0.1.0";

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
        })),
      };
    },
    run(command, args) {
      const spec = Object.hasOwn(table, command) ? table[command] : undefined;
      if (!spec) {
        throw `unknown command \`${command}\``; // a thrown string is `err`, see below
      }
      try {
        return String(spec.run(args));
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
