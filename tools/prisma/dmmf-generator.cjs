#!/usr/bin/env node
// A Prisma generator that writes the data model (DMMF) Prisma's own engine parsed from
// schema.prisma, so the schema-drift test compares migrations against Prisma's reading of
// the schema rather than a hand-written parser. Speaks the generator JSON-RPC protocol:
// requests arrive as lines on stdin, responses go as lines to stderr.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const respond = (id, result) => process.stderr.write(JSON.stringify({ jsonrpc: '2.0', id, result }) + '\n');
const fail = (id, message) =>
  process.stderr.write(
    JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message, data: null } }) + '\n',
  );

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  try {
    if (request.method === 'getManifest') {
      respond(request.id, {
        manifest: {
          prettyName: 'DMMF snapshot (schema drift check)',
          defaultOutput: './dmmf.json',
          requiresGenerators: [],
        },
      });
    } else if (request.method === 'generate') {
      const output = request.params.generator.output.value;
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(output, JSON.stringify(request.params.dmmf.datamodel, null, 1) + '\n');
      respond(request.id, null);
    }
  } catch (error) {
    fail(request.id, String(error && error.stack ? error.stack : error));
  }
});
