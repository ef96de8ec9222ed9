using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Accounts.Tcp.Tests.Support;

/// <summary>Keeps every log entry of a test server, so tests can check what was (and was not) written.</summary>
internal sealed class TestLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {EventId.Id} {Category}: {Message} {Exception}";
    }

    private sealed class Logger(TestLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
