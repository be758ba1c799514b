// The least an intake can do per request (`npm run bench`'s ceiling): a bare node:http server that
// reads each POST's JSON body and answers 201 once the body is committed as one row in PostgreSQL,
// with group commit — whatever arrived while a commit was in flight goes in the next one, a single
// multi-row INSERT with synchronous_commit on. No framework, no authentication, no validation, no
// outbox. Whatever an intake adds to this costs throughput; nothing it does can exceed it.
//
// Run by tools/bench/ceiling.ts: node ceiling.server.ts <port> <database URL>.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

interface Waiting {
  body: string;
  res: ServerResponse;
}

/** Commits in flight at once: more than one keeps PostgreSQL busy while the next batch fills. */
const COMMITTERS = 2;
const MAX_BATCH = 500;

const [portArgument, databaseUrl] = process.argv.slice(2);
// Durability as the services and the baseline have it: each commit waits for its WAL flush.
const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: COMMITTERS,
  options: '-c synchronous_commit=on',
});
await pool.query(
  `CREATE TABLE IF NOT EXISTS ceiling_ticket (id bigserial PRIMARY KEY, payload jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
);

const waiting: Waiting[] = [];
let committing = 0;

function answer(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function commitNext(): void {
  while (waiting.length > 0 && committing < COMMITTERS) {
    const batch = waiting.splice(0, MAX_BATCH);
    committing++;
    pool
      .query<{ id: string }>(
        'INSERT INTO ceiling_ticket (payload) SELECT * FROM unnest($1::jsonb[]) RETURNING id',
        [batch.map((w) => w.body)],
      )
      .then(
        ({ rows }) => batch.forEach((w, i) => answer(w.res, 201, { id: rows[i]?.id, status: 'received' })),
        () => batch.forEach((w) => answer(w.res, 500, { code: 'CEILING.COMMIT_FAILED' })),
      )
      .finally(() => {
        committing--;
        commitNext();
      });
  }
}

function receive(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: string;
    try {
      // Parsed and serialised again, as a service that reads its input does.
      body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      answer(res, 400, { code: 'CEILING.BAD_JSON' });
      return;
    }
    waiting.push({ body, res });
    commitNext();
  });
}

createServer((req, res) => {
  if (req.method === 'POST') receive(req, res);
  else answer(res, 200, { status: 'ok' });
}).listen(Number(portArgument), '127.0.0.1');
