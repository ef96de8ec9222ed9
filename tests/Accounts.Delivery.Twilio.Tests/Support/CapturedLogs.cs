using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Accounts.Delivery.Twilio.Tests.Support;

/// <summary>Keeps every log entry at every level, with its structured values and exception, so tests can say what was never written.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Text)
    {
        public override string ToString() => $"{Level} {EventId.Id} {Category}: {Text}";
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(pair => $"{pair.Key}={pair.Value}")) : "";
            owner._entries.Enqueue(new Entry(category, logLevel, eventId, $"{formatter(state, exception)} {values} {exception}"));
        }
    }
}
