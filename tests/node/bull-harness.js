'use strict';
// Drives Node's bull@4 against the Redis the C# tests use, so they can check that Accounts.Queues and bull work the
// same queues together. Run by the C# tests (Accounts.Testing's NodeProcess) as:
//   node bull-harness.js '<json config>'
// config: { mode, redis: "host:port", prefix, queue, settings?, jobs?, concurrency?, hang? }
// It talks back with one JSON object per stdout line, {type: ...}; it reads nothing but the end of stdin, which
// tells a worker to close its queue and exit.
const Queue = require('bull');

const config = JSON.parse(process.argv[2]);
const separator = config.redis.lastIndexOf(':');
const queue = new Queue(config.queue, {
  redis: { host: config.redis.slice(0, separator), port: Number(config.redis.slice(separator + 1)) },
  prefix: config.prefix,
  settings: config.settings || {},
});

function say(type, fields) {
  process.stdout.write(JSON.stringify({ type, ...fields }) + '\n');
}

async function until(condition, what) {
  const deadline = Date.now() + 20000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting until ' + what);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

// The original gateway: add jobs, await job.finished() on each, and watch the global events.
async function produce() {
  const completedEvents = [];
  const failedEvents = [];
  const registered = Promise.all(['global:completed', 'global:failed'].map(
    event => new Promise(resolve => queue.once('registered:' + event, resolve))));
  queue.on('global:completed', (jobId, result) => completedEvents.push({ jobId: String(jobId), result }));
  queue.on('global:failed', (jobId, reason) => failedEvents.push({ jobId: String(jobId), reason }));
  await registered;

  const jobs = [];
  for (const spec of config.jobs) {
    jobs.push(await queue.add(spec.data, spec.opts));
  }
  const outcomes = jobs.map(job => job.finished().then(
    value => ({ id: String(job.id), completed: true, value }),
    error => ({ id: String(job.id), completed: false, reason: error.message })));

  // finished() listens for the global events only after its first look; a job that finished before then would
  // never be seen (it may have been removed). So the C# worker is let loose once every finished() listens.
  await until(() => queue.listenerCount('global:completed') >= jobs.length + 1, 'every job.finished() listens');
  say('ready', { ids: jobs.map(job => String(job.id)) });

  const results = await Promise.all(outcomes);
  const expectedCompletions = results.filter(result => result.completed).length;
  await until(() => completedEvents.length >= expectedCompletions, 'every global:completed event arrived');
  const failed = (await queue.getFailed()).map(job => ({
    id: String(job.id), failedReason: job.failedReason, attemptsMade: job.attemptsMade, stacktrace: job.stacktrace,
  }));
  const counts = await queue.getJobCounts();
  say('result', { results, completedEvents, failedEvents, failed, counts });
  await queue.close();
}

// A bull worker: processes jobs (whoever added them) until stdin ends.
async function consume() {
  queue.on('completed', (job, result) => say('completed', { id: String(job.id), result }));
  queue.on('failed', (job, error) => say('failed', { id: String(job.id), reason: error.message, attemptsMade: job.attemptsMade }));
  queue.process(config.concurrency || 5, async job => {
    say('processing', {
      id: String(job.id), name: job.name, data: job.data, opts: job.opts, attemptsMade: job.attemptsMade,
      timestamp: job.timestamp, processedOn: job.processedOn,
    });
    if (config.hang) {
      await new Promise(() => {});
    }
    if (job.data && job.data.fail) {
      throw new Error(job.data.fail);
    }
    return { echoed: job.data, by: 'node' };
  });
  await queue.isReady();
  say('ready', {});
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await queue.close();
    process.exit(0);
  });
}

const modes = { produce, consume };
modes[config.mode]().catch(error => {
  say('error', { message: error.stack || String(error) });
  process.exit(1);
});
