// Parses a Mermaid diagram with Mermaid itself (tests/node_modules, in jsdom) and, for a
// gantt chart, prints one line per task: section|task|start|end (milliseconds).
// usage: node tests/lib/mermaid_tasks.mjs FILE   (exit 1 with the parser's message on a syntax error)
import fs from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

const text = fs.readFileSync(process.argv[2], "utf8");
try {
  await mermaid.parse(text);
} catch (e) {
  console.error(`mermaid: ${e.message}`);
  process.exit(1);
}
const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
if (diagram.type === "gantt") {
  for (const t of diagram.db.getTasks())
    console.log([t.section, t.task.trim(), +t.startTime, +t.endTime].join("|"));
}
