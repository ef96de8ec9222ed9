'use strict';
// The original Node gateway, as far as the queues go: it adds jobs with bull@4 the way the seeds' gateway did
// (queue.add(data, {attempts: 1, removeOnComplete: true, removeOnFail: true})), signing each job's Token as it did
// (an HS256 JWT over {Id} with its shared secret), and waits for job.finished(). Driven by the C# tests:
//   node gateway.js '{"redis": "host:port", "prefix": "bull", "secret": "..."}'
// stdin, one JSON command per line:
//   {"ref": "r1", "add": "Create_User", "data": {...}, "sign": true, "opts": {...}}  -> {"type": "finished", "ref", "jobId", "completed", "value" | "reason"}
//   {"ref": "r2", "failed": "Create_User"}                                          -> {"type": "failed", "ref", "jobs": [{"id", "failedReason"}]}
//   {"ref": "r3", "counts": "Create_User"}                                          -> {"type": "counts", "ref", "counts": {...}}
// End of stdin closes the queues and exits.
const crypto = require('crypto');
const readline = require('readline');
const Queue = require('bull');

const config = JSON.parse(process.argv[2]);
const separator = config.redis.lastIndexOf(':');
const redis = { host: config.redis.slice(0, separator), port: Number(config.redis.slice(separator + 1)) };
const queues = new Map();

function say(type, fields) {
  process.stdout.write(JSON.stringify({ type, ...fields }) + '\n');
}

function queue(name) {
  if (!queues.has(name)) queues.set(name, new Queue(name, { redis, prefix: config.prefix }));
  return queues.get(name);
}

function base64url(value) {
  return Buffer.from(value).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

// What jsonwebtoken's jwt.sign({Id}, secret, {expiresIn: '1h'}) produces.
function sign(id) {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ Id: id, iat: now, exp: now + 3600 }));
  const signature = crypto.createHmac('sha256', config.secret).update(header + '.' + payload).digest('base64')
    .replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return header + '.' + payload + '.' + signature;
}

async function add(command) {
  const data = { ...command.data };
  if (command.sign) data.Token = sign(data.Id);
  // bull's job.finished() never settles for a job that finished and was removed before it first looks, so each job
  // waits a moment (a delayed job, which the worker promotes) while finished() starts listening.
  const opts = { attempts: 1, removeOnComplete: true, removeOnFail: true, delay: 300, ...(command.opts || {}) };
  const job = await queue(command.add).add(data, opts);
  try {
    const value = await job.finished();
    say('finished', { ref: command.ref, jobId: String(job.id), completed: true, value });
  } catch (error) {
    say('finished', { ref: command.ref, jobId: String(job.id), completed: false, reason: error.message });
  }
}

async function handle(command) {
  try {
    if (command.add) return await add(command);
    if (command.failed) {
      const jobs = await queue(command.failed).getFailed();
      return say('failed', { ref: command.ref, jobs: jobs.map(job => ({ id: String(job.id), failedReason: job.failedReason })) });
    }
    if (command.counts) return say('counts', { ref: command.ref, counts: await queue(command.counts).getJobCounts() });
    say('error', { message: 'unknown command ' + JSON.stringify(command) });
  } catch (error) {
    say('error', { message: error.stack || String(error) });
  }
}

const input = readline.createInterface({ input: process.stdin });
input.on('line', line => { if (line.trim()) handle(JSON.parse(line)); });
input.on('close', async () => {
  await Promise.all([...queues.values()].map(q => q.close()));
  process.exit(0);
});
say('ready', {});
