using Accounts.Redis;

namespace Accounts.Queues.Bull;

/// <summary>
/// The Lua scripts that change a Bull queue. Each moves a job between Bull's structures in one atomic step, so that
/// Node's bull (which runs its own scripts on the same keys) and these workers never see a job half-moved. They are
/// written for this project from Bull's documented key layout and job-hash format; the result codes of the scripts
/// that finish a job are Bull's: 0 done, -1 no such job, -2 no lock, -3 not active, -6 another worker's lock.
/// </summary>
internal static class BullScripts
{
    /// <summary>The list that waiting jobs go to: <c>paused</c> while the queue is paused, else <c>wait</c>.</summary>
    private const string WaitingList = """
        local function waitingList(metaPausedKey, waitKey, pausedKey)
          if redis.call('EXISTS', metaPausedKey) == 1 then
            return pausedKey
          end
          return waitKey
        end

        """;

    /// <summary>
    /// Puts a job in line. Workers pop from the right end, so LPUSH joins the back of the line and RPUSH the front. A
    /// prioritised job (1 is the highest) is also scored in the priority set, and goes just left of the waiting jobs
    /// whose priority is as good or better: they run first, and equal priorities keep their order.
    /// </summary>
    private const string Enqueue = """
        local function enqueue(listKey, priorityKey, jobId, priority, push)
          if priority <= 0 then
            redis.call(push, listKey, jobId)
            return
          end
          redis.call('ZADD', priorityKey, priority, jobId)
          local ahead = redis.call('ZCOUNT', priorityKey, 0, priority) - 1
          local pivot = false
          if ahead > 0 then
            pivot = redis.call('LINDEX', listKey, -ahead)
          end
          if pivot then
            redis.call('LINSERT', listKey, 'BEFORE', pivot, jobId)
          else
            redis.call('RPUSH', listKey, jobId)
          end
        end

        """;

    /// <summary>0 when the caller held the job's lock (now released), -2 when nobody does, -6 when another worker does.</summary>
    private const string ReleaseLock = """
        local function releaseLock(jobKey, stalledKey, token, jobId)
          local holder = redis.call('GET', jobKey .. ':lock')
          if holder ~= token then
            if holder then
              return -6
            end
            return -2
          end
          redis.call('DEL', jobKey .. ':lock')
          redis.call('SREM', stalledKey, jobId)
          return 0
        end

        """;

    /// <summary>
    /// Removes finished jobs beyond what removeOnComplete/removeOnFail keeps: those that finished more than maxAge
    /// seconds ago, then all but the newest maxCount (nil: no limit of that kind).
    /// </summary>
    private const string TrimFinished = """
        local function dropJob(keyPrefix, jobId)
          local jobKey = keyPrefix .. jobId
          redis.call('DEL', jobKey, jobKey .. ':logs')
        end

        local function trimFinished(setKey, keyPrefix, maxCount, maxAge, now)
          if maxAge then
            local oldest = now - maxAge * 1000
            for _, jobId in ipairs(redis.call('ZRANGEBYSCORE', setKey, '-inf', oldest)) do
              dropJob(keyPrefix, jobId)
            end
            redis.call('ZREMRANGEBYSCORE', setKey, '-inf', oldest)
          end
          if maxCount and maxCount > 0 then
            for _, jobId in ipairs(redis.call('ZRANGE', setKey, 0, -(maxCount + 1))) do
              dropJob(keyPrefix, jobId)
            end
            redis.call('ZREMRANGEBYRANK', setKey, 0, -(maxCount + 1))
          end
        end

        """;

    /// <summary>
    /// Adds a job: its hash, then the delayed set (when it has a delay) or the waiting list.
    /// KEYS: wait, paused, meta-paused, id, delayed, priority.
    /// ARGV: key base, job id ('' takes the next number), name, data, opts, timestamp, delay, due time (0 = now),
    /// priority, LPUSH|RPUSH, token.
    /// Returns {job id, 1 when added | 0 when a job of that id existed}.
    /// </summary>
    public static readonly RedisScript Add = new(WaitingList + Enqueue + """
        local counter = redis.call('INCR', KEYS[4])
        local jobId = ARGV[2]
        if jobId == '' then
          jobId = string.format('%d', counter)
        elseif redis.call('EXISTS', ARGV[1] .. jobId) == 1 then
          redis.call('PUBLISH', ARGV[1] .. 'duplicated@' .. ARGV[11], jobId)
          return {jobId, 0}
        end

        local jobKey = ARGV[1] .. jobId
        redis.call('HSET', jobKey, 'name', ARGV[3], 'data', ARGV[4], 'opts', ARGV[5],
          'timestamp', ARGV[6], 'delay', ARGV[7], 'priority', ARGV[9])

        local dueAt = tonumber(ARGV[8])
        if dueAt > 0 then
          redis.call('ZADD', KEYS[5], dueAt * 4096 + counter % 4096, jobId)
          redis.call('PUBLISH', KEYS[5], dueAt)
        else
          enqueue(waitingList(KEYS[3], KEYS[1], KEYS[2]), KEYS[6], jobId, tonumber(ARGV[9]), ARGV[10])
          redis.call('PUBLISH', KEYS[1] .. 'ing@' .. ARGV[11], jobId)
        end
        return {jobId, 1}
        """);

    /// <summary>
    /// Takes a job for a worker: locks it, stamps processedOn and returns its hash. With a job id, the job is one
    /// BRPOPLPUSH moved to active already; without, the next waiting job is moved here.
    /// KEYS: wait, active, priority, stalled, active event channel, drained channel.
    /// ARGV: key base, lock token, lock duration (ms), now (ms), job id or ''.
    /// Returns nil when no job waits, {job id} when the job's hash is gone (removed meanwhile), else {job id, hash}.
    /// </summary>
    public static readonly RedisScript Take = new("""
        local jobId = ARGV[5]
        if jobId == '' then
          jobId = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
          if not jobId then
            redis.call('PUBLISH', KEYS[6], '')
            return false
          end
        else
          redis.call('SREM', KEYS[4], jobId)
        end
        redis.call('ZREM', KEYS[3], jobId)

        local jobKey = ARGV[1] .. jobId
        if redis.call('EXISTS', jobKey) == 0 then
          redis.call('LREM', KEYS[2], -1, jobId)
          return {jobId}
        end
        redis.call('SET', jobKey .. ':lock', ARGV[2], 'PX', ARGV[3])
        redis.call('HSET', jobKey, 'processedOn', ARGV[4])
        redis.call('PUBLISH', KEYS[5], jobId)
        return {jobId, redis.call('HGETALL', jobKey)}
        """);

    /// <summary>
    /// Renews a job's lock if the caller still holds it, and clears the job's stall suspicion.
    /// KEYS: lock, stalled. ARGV: token, lock duration (ms), job id. Returns 1 when renewed, 0 when the lock is lost.
    /// </summary>
    public static readonly RedisScript ExtendLock = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('SREM', KEYS[2], ARGV[3])
        return 1
        """);

    /// <summary>
    /// Finishes a job for good, completed or failed: releases its lock, takes it out of active, records the return
    /// value or failed reason in its hash and adds it to the completed or failed set (or removes the job, as its
    /// options say), trims that set, and publishes <c>{"jobId", "val"}</c> on the set's channel.
    /// KEYS: active, completed|failed, job, stalled.
    /// ARGV: job id, now (ms), 'returnvalue'|'failedReason', its value, token, jobs to keep by count (-1 no limit,
    /// 0 remove this one), by age in seconds (-1 no limit), event message, key base, attemptsMade ('' leaves it and
    /// the stack traces alone), stack traces (JSON array).
    /// </summary>
    public static readonly RedisScript Finish = new(ReleaseLock + TrimFinished + """
        if redis.call('EXISTS', KEYS[3]) == 0 then
          return -1
        end
        local held = releaseLock(KEYS[3], KEYS[4], ARGV[5], ARGV[1])
        if held < 0 then
          return held
        end
        if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then
          return -3
        end

        if ARGV[10] ~= '' then
          redis.call('HSET', KEYS[3], 'attemptsMade', ARGV[10], 'stacktrace', ARGV[11])
        end

        local keepCount = tonumber(ARGV[6])
        local keepAge = tonumber(ARGV[7])
        if keepCount == 0 then
          dropJob(ARGV[9], ARGV[1])
        else
          local now = tonumber(ARGV[2])
          redis.call('ZADD', KEYS[2], now, ARGV[1])
          redis.call('HSET', KEYS[3], ARGV[3], ARGV[4], 'finishedOn', ARGV[2])
          if keepCount < 0 then
            keepCount = nil
          end
          if keepAge < 0 then
            keepAge = nil
          end
          trimFinished(KEYS[2], ARGV[9], keepCount, keepAge, now)
        end

        redis.call('PUBLISH', KEYS[2], ARGV[8])
        return 0
        """);

    /// <summary>
    /// Records a failed run of a job that has attempts left, and puts it back: in the delayed set until its backoff
    /// has passed, or straight back in line.
    /// KEYS: active, wait, paused, meta-paused, priority, delayed, job, stalled.
    /// ARGV: job id, token, failed reason, attemptsMade, stack traces (JSON array), due time (ms, 0 = now),
    /// LPUSH|RPUSH, delayed score.
    /// </summary>
    public static readonly RedisScript Retry = new(WaitingList + Enqueue + ReleaseLock + """
        if redis.call('EXISTS', KEYS[7]) == 0 then
          return -1
        end
        local held = releaseLock(KEYS[7], KEYS[8], ARGV[2], ARGV[1])
        if held < 0 then
          return held
        end
        if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then
          return -3
        end

        redis.call('HSET', KEYS[7], 'failedReason', ARGV[3], 'attemptsMade', ARGV[4], 'stacktrace', ARGV[5])
        local dueAt = tonumber(ARGV[6])
        if dueAt > 0 then
          redis.call('ZADD', KEYS[6], ARGV[8], ARGV[1])
          redis.call('PUBLISH', KEYS[6], dueAt)
        else
          local priority = tonumber(redis.call('HGET', KEYS[7], 'priority')) or 0
          enqueue(waitingList(KEYS[4], KEYS[2], KEYS[3]), KEYS[5], ARGV[1], priority, ARGV[7])
        end
        return 0
        """);

    /// <summary>
    /// Gives back a job the worker holds but will not run (it is stopping): releases the lock and puts the job at the
    /// front of the line, without counting an attempt.
    /// KEYS: active, wait, paused, meta-paused, job, stalled, waiting event channel. ARGV: job id, token.
    /// </summary>
    public static readonly RedisScript Release = new(WaitingList + ReleaseLock + """
        if redis.call('EXISTS', KEYS[5]) == 0 then
          return -1
        end
        local held = releaseLock(KEYS[5], KEYS[6], ARGV[2], ARGV[1])
        if held < 0 then
          return held
        end
        if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then
          return -3
        end
        redis.call('RPUSH', waitingList(KEYS[4], KEYS[2], KEYS[3]), ARGV[1])
        redis.call('PUBLISH', KEYS[7], ARGV[1])
        return 0
        """);

    /// <summary>
    /// Moves the delayed jobs that are due (at most ARGV[3] of them) to the back of the line.
    /// KEYS: delayed, wait, paused, meta-paused, priority, waiting event channel. ARGV: key base, now (ms), limit.
    /// Returns {jobs moved, due time (ms) of the next delayed job or -1}.
    /// </summary>
    public static readonly RedisScript PromoteDelayed = new(WaitingList + Enqueue + """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', (tonumber(ARGV[2]) + 1) * 4096 - 1,
          'LIMIT', 0, tonumber(ARGV[3]))
        if #due > 0 then
          local target = waitingList(KEYS[4], KEYS[2], KEYS[3])
          for _, jobId in ipairs(due) do
            redis.call('ZREM', KEYS[1], jobId)
            local jobKey = ARGV[1] .. jobId
            if redis.call('EXISTS', jobKey) == 1 then
              enqueue(target, KEYS[5], jobId, tonumber(redis.call('HGET', jobKey, 'priority')) or 0, 'LPUSH')
              redis.call('HSET', jobKey, 'delay', 0)
              redis.call('PUBLISH', KEYS[6], jobId)
            end
          end
        end

        local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        if first[2] then
          return {#due, math.floor(tonumber(first[2]) / 4096)}
        end
        return {#due, -1}
        """);

    /// <summary>
    /// The stalled-jobs check, at most once per interval across all workers (the stalled-check key). A job suspected
    /// at the previous check whose lock is gone stalled: its worker died or stopped renewing. It goes back to the
    /// front of the line, or fails for good once it stalled more than the allowed count (its removeOnFail honoured).
    /// Then every active job becomes a suspect for the next check; renewing its lock or finishing clears that.
    /// KEYS: stalled, wait, active, failed, stalled-check, meta-paused, paused.
    /// ARGV: max stalled count, key base, now (ms), interval (ms).
    /// Returns {ids failed, ids put back}.
    /// </summary>
    public static readonly RedisScript CheckStalled = new(WaitingList + TrimFinished + """
        if not redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[4], 'NX') then
          return {{}, {}}
        end

        local maxStalled = tonumber(ARGV[1])
        local now = tonumber(ARGV[3])
        local failed = {}
        local recovered = {}

        local function failForGood(jobId, jobKey)
          local removeOnFail = nil
          local optsText = redis.call('HGET', jobKey, 'opts')
          if optsText then
            local parsed, opts = pcall(cjson.decode, optsText)
            if parsed and type(opts) == 'table' then
              removeOnFail = opts['removeOnFail']
            end
          end

          redis.call('ZADD', KEYS[4], now, jobId)
          redis.call('HSET', jobKey, 'failedReason', 'job stalled more than allowable limit', 'finishedOn', ARGV[3])
          redis.call('PUBLISH', KEYS[4], cjson.encode({jobId = jobId, val = 'job stalled more than maxStalledCount'}))

          local count = nil
          local age = nil
          if removeOnFail == true then
            count = 0
          elseif type(removeOnFail) == 'number' then
            count = removeOnFail
          elseif type(removeOnFail) == 'table' then
            count = tonumber(removeOnFail['count'])
            age = tonumber(removeOnFail['age'])
          end
          if count == 0 then
            redis.call('ZREM', KEYS[4], jobId)
            dropJob(ARGV[2], jobId)
          else
            trimFinished(KEYS[4], ARGV[2], count, age, now)
          end
        end

        local suspects = redis.call('SMEMBERS', KEYS[1])
        redis.call('DEL', KEYS[1])
        for _, jobId in ipairs(suspects) do
          local jobKey = ARGV[2] .. jobId
          if redis.call('EXISTS', jobKey .. ':lock') == 0 and redis.call('LREM', KEYS[3], 1, jobId) > 0
              and redis.call('EXISTS', jobKey) == 1 then
            if redis.call('HINCRBY', jobKey, 'stalledCounter', 1) > maxStalled then
              failForGood(jobId, jobKey)
              table.insert(failed, jobId)
            else
              redis.call('RPUSH', waitingList(KEYS[6], KEYS[2], KEYS[7]), jobId)
              redis.call('PUBLISH', KEYS[1] .. '@', jobId)
              table.insert(recovered, jobId)
            end
          end
        end

        local active = redis.call('LRANGE', KEYS[3], 0, -1)
        for first = 1, #active, 5000 do
          redis.call('SADD', KEYS[1], unpack(active, first, math.min(first + 4999, #active)))
        end
        return {failed, recovered}
        """);

    /// <summary>
    /// A job's hash and state, read in one step so that the two agree.
    /// KEYS: job, completed, failed, delayed, active, wait, paused. ARGV: job id.
    /// Returns nil when the job does not exist, else {state, hash}.
    /// </summary>
    public static readonly RedisScript GetJob = new("""
        local fields = redis.call('HGETALL', KEYS[1])
        if #fields == 0 then
          return false
        end

        local jobId = ARGV[1]
        local function listed(listKey)
          local position = redis.pcall('LPOS', listKey, jobId)
          if type(position) == 'table' and position['err'] then
            -- A server without LPOS (before 6.0.6): look through the list.
            for _, member in ipairs(redis.call('LRANGE', listKey, 0, -1)) do
              if member == jobId then
                return true
              end
            end
            return false
          end
          return position ~= false and position ~= nil
        end

        local state = 'unknown'
        if redis.call('ZSCORE', KEYS[2], jobId) then
          state = 'completed'
        elseif redis.call('ZSCORE', KEYS[3], jobId) then
          state = 'failed'
        elseif redis.call('ZSCORE', KEYS[4], jobId) then
          state = 'delayed'
        elseif listed(KEYS[5]) then
          state = 'active'
        elseif listed(KEYS[6]) then
          state = 'waiting'
        elseif listed(KEYS[7]) then
          state = 'paused'
        end
        return {state, fields}
        """);

    /// <summary>
    /// Job counts, as <c>queue.getJobCounts()</c> reads them, in one consistent step.
    /// KEYS: wait, active, completed, failed, delayed, paused.
    /// </summary>
    public static readonly RedisScript Counts = new("""
        return {
          redis.call('LLEN', KEYS[1]),
          redis.call('LLEN', KEYS[2]),
          redis.call('ZCARD', KEYS[3]),
          redis.call('ZCARD', KEYS[4]),
          redis.call('ZCARD', KEYS[5]),
          redis.call('LLEN', KEYS[6])
        }
        """);
}
