// Bundles one guest module and the witness JS SDK into a single ES module, because
// componentize-js loads exactly one source file and resolves no relative imports
// (seen: `Error loading module "./sdk.js"`). WIT imports such as
// `witness:plugin/host@0.1.0` or `wasi:cli/environment@0.2.0` stay imports: componentize-js
// turns them into component imports.
//
// usage: node bundle.mjs <guest.js> <out.js>
import { rolldown } from "rolldown";
import { fileURLToPath } from "node:url";
import path from "node:path";

const [guest, out] = process.argv.slice(2);
if (!guest || !out) {
  console.error("usage: node bundle.mjs <guest.js> <out.js>");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));

try {
  const bundle = await rolldown({
    input: guest,
    // `name:path` specifiers are WIT interfaces; everything else must be bundled.
    external: (id) => /^[a-z][a-z0-9-]*:/.test(id),
    resolve: { alias: { "witness-plugin": path.join(here, "witness-plugin.js") } },
    logLevel: "warn",
  });
  await bundle.write({ file: out, format: "esm" });
  await bundle.close();
} catch (err) {
  console.error(String(err && err.message ? err.message : err));
  process.exit(1);
}
