using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Accounts.Notifications.Tests.Support;

/// <summary>One log call as the test sees it: level, event id, the formatted message and the structured values.</summary>
internal sealed record LogEntry(LogLevel Level, int EventId, string Message, IReadOnlyDictionary<string, object?> Values);

/// <summary>Keeps every log call, so that tests can check what was logged and that nothing private was.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IReadOnlyList<LogEntry> WithEventId(int eventId) => Entries.Where(e => e.EventId == eventId).ToList();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(pair => pair.Key, pair => pair.Value)
            : [];
        _entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), values));
    }
}
