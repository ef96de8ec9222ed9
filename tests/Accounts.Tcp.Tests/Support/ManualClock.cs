namespace Accounts.Tcp.Tests.Support;

/// <summary>
/// A monotonic clock that moves only when told, for the rate limit. Timers stay real (the base class's), so the
/// idle timeout only fires if the test also moves this clock past it.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = 1_000_000;

    public DateTimeOffset UtcNow { get; } = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => UtcNow;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
