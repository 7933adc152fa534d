// A real S3-compatible server for the upload tests: s3rver (npm, installed under tests/node_modules
// by scripts/bootstrap) on 127.0.0.1, a free port written to PORT_FILE, one bucket, SigV4 checked
// against its account S3RVER / S3RVER. It stops by itself after IDLE seconds without a request.
//     node tests/lib/s3_server.js PORT_FILE DATA_DIR BUCKET [IDLE]
"use strict";
const fs = require("fs");
const path = require("path");
const S3rver = require(path.join(__dirname, "..", "node_modules", "s3rver"));

const [portFile, dir, bucket, idleArg] = process.argv.slice(2);
const idle = Number(idleArg || 60) * 1000;
let last = Date.now();
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory: dir,
  configureBuckets: [{ name: bucket, configs: [] }],
});
server.run().then((addr) => {
  server.httpServer.on("request", () => { last = Date.now(); });
  fs.writeFileSync(portFile + ".tmp", String(addr.port));
  fs.renameSync(portFile + ".tmp", portFile);
  setInterval(() => { if (Date.now() - last > idle) process.exit(0); }, 500);
}, (err) => { console.error(err); process.exit(1); });
process.on("SIGTERM", () => process.exit(0));
