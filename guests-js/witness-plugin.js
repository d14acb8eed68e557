// The witness plugin SDK for JavaScript: describe a plugin as plain data and functions,
// and export what `definePlugin` returns. It hides the WIT conventions of componentize-js
// (how `result` errors are thrown, how enums are spelled) behind plain JavaScript.
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

/** An error whose message becomes the command's `err` result. */
export class PluginError extends Error {}

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
 * A command's `run(args)` returns the text to show; throwing a `PluginError` (or any error)
 * makes the command fail with its message.
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
        // componentize-js maps a thrown value onto the `err` case of `result`.
        throw `unknown command \`${command}\``;
      }
      try {
        return String(spec.run(args));
      } catch (err) {
        throw err instanceof Error ? err.message : String(err);
      }
    },
  };
}
