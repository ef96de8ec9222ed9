namespace Accounts.Notifications.SocketIo;

/// <summary>An outcome encoded as its <c>Profile</c> frame; <see cref="Operation"/> is what logs may name about it.</summary>
internal readonly record struct PendingFrame(string Frame, string Operation);

/// <summary>
/// The frames waiting for the server, oldest first, for one sender. At most <c>capacity</c> wait; one more drops the
/// oldest, because a recent outcome is the one a user still waits for. The frame being sent is held apart: when the
/// send fails it is sent first on the next connection, so that order holds across reconnections.
/// </summary>
internal sealed class OutcomeBuffer(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<PendingFrame> _waiting = new();
    private PendingFrame? _inFlight;
    private TaskCompletionSource? _signal;

    /// <summary>Frames not yet delivered, the one being sent included.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count + (_inFlight is null ? 0 : 1);
            }
        }
    }

    /// <summary>Queues <paramref name="frame"/>; returns how many older frames were dropped to make room (0 or 1).</summary>
    public int Add(PendingFrame frame)
    {
        TaskCompletionSource? signal;
        var dropped = 0;
        lock (_gate)
        {
            if (_waiting.Count >= capacity)
            {
                _waiting.Dequeue();
                dropped = 1;
            }

            _waiting.Enqueue(frame);
            signal = _signal;
            _signal = null;
        }

        signal?.TrySetResult();
        return dropped;
    }

    /// <summary>The frame to send next: the one whose send failed, else the oldest waiting. It stays in flight until <see cref="Delivered"/>.</summary>
    public bool TryTakeNext(out PendingFrame frame)
    {
        lock (_gate)
        {
            if (_inFlight is null && _waiting.TryDequeue(out var next))
            {
                _inFlight = next;
            }

            frame = _inFlight.GetValueOrDefault();
            return _inFlight is not null;
        }
    }

    /// <summary>The frame in flight is done with (sent, or given up on).</summary>
    public void Delivered()
    {
        lock (_gate)
        {
            _inFlight = null;
        }
    }

    /// <summary>Completes when a frame is there to send.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_inFlight is not null || _waiting.Count > 0)
            {
                return Task.CompletedTask;
            }

            _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Empties the buffer; returns how many frames were in it.</summary>
    public int Clear()
    {
        lock (_gate)
        {
            var count = _waiting.Count + (_inFlight is null ? 0 : 1);
            _waiting.Clear();
            _inFlight = null;
            return count;
        }
    }
}
