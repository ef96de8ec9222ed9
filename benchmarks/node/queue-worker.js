'use strict';
// The Node side of the "queues" benchmark (benchmarks/Accounts.Benchmarks/Queues): one bull@4 worker, as each of the
// original deployment's workers ran, with concurrency 5 by default. The benchmark fills the queue, starts the clock and
// watches Redis until the queue is empty; this script only works jobs. Started by the benchmark as
//   node queue-worker.js '{"kind": "noop" | "delete", "redis": "host:port", "prefix": "...", "queue": "...",
//                          "concurrency": 5, "secret": "...", "mysql": {host, port, user, password, database}}'
// It prints one JSON line {"type": "ready", ...} once the worker is running, {"type": "error", ...} on a queue or
// database error, and exits when its stdin ends.
//
// kind "noop":   returns {Status: true} for every job.
// kind "delete": what the original Delete_User worker did, without its Socket.IO notification: checks the job's
//                Token (HS256 over {Id} with the gateway's secret, current, naming the job's Id), then
//                DELETE FROM Users WHERE Id = ? on MariaDB through a mysql2 pool (one connection per running job).
const crypto = require('crypto');
const readline = require('readline');
const Queue = require('bull');

const config = JSON.parse(process.argv[2]);
const separator = config.redis.lastIndexOf(':');
const redis = { host: config.redis.slice(0, separator), port: Number(config.redis.slice(separator + 1)) };
const concurrency = config.concurrency || 5;

function say(type, fields) {
  process.stdout.write(JSON.stringify({ type, ...fields }) + '\n');
}

const SESSION_EXPIRED = 'Session expired. Please log in again.';

// The claims of a gateway token, or null: HS256 only, signature compared in constant time, exp in the future.
function verifyToken(token, secret) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    if (header === null || header.alg !== 'HS256') return null;
    const expected = crypto.createHmac('sha256', secret).update(parts[0] + '.' + parts[1]).digest();
    const actual = Buffer.from(parts[2], 'base64url');
    if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) return null;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (claims === null || typeof claims !== 'object') return null;
    if (typeof claims.exp !== 'number' || Math.floor(Date.now() / 1000) >= claims.exp) return null;
    return claims;
  } catch {
    return null;
  }
}

function noopHandler() {
  return async () => ({ Status: true });
}

function deleteHandler(pool) {
  return async job => {
    const { Id, Token } = job.data || {};
    const claims = verifyToken(Token, config.secret);
    if (claims === null || typeof Id !== 'string' || claims.Id !== Id) throw new Error(SESSION_EXPIRED);
    const [result] = await pool.query('DELETE FROM Users WHERE Id = ?', [Id]);
    return result.affectedRows > 0
      ? { Status: true, Message: 'Successfully deleted' }
      : { Status: false, Message: 'The user does not exist.' };
  };
}

async function main() {
  let pool = null;
  let handler;
  if (config.kind === 'noop') {
    handler = noopHandler();
  } else if (config.kind === 'delete') {
    const mysql = require('mysql2/promise');
    pool = mysql.createPool({ ...config.mysql, connectionLimit: concurrency, charset: 'utf8mb4' });
    await pool.query('SELECT 1');
    handler = deleteHandler(pool);
  } else {
    throw new Error(`unknown kind ${config.kind}`);
  }

  const queue = new Queue(config.queue, { redis, prefix: config.prefix });
  queue.on('error', error => say('error', { message: String(error && error.message ? error.message : error) }));

  // Not awaited: process() settles only when the queue closes.
  queue.process(concurrency, handler).catch(error => say('error', { message: String(error.message || error) }));
  await queue.isReady();

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    try {
      await queue.close();
      if (pool !== null) await pool.end();
    } finally {
      process.exit(0);
    }
  };
  readline.createInterface({ input: process.stdin }).on('close', close);
  process.on('SIGTERM', close);

  say('ready', {
    pid: process.pid,
    node: process.version,
    bull: require('bull/package.json').version,
    mysql2: pool === null ? null : require('mysql2/package.json').version,
    concurrency,
  });
}

main().catch(error => {
  say('error', { message: String(error && error.message ? error.message : error) });
  process.exit(1);
});
