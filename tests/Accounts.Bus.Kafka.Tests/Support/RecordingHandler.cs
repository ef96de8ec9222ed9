using System.Collections.Concurrent;
using System.Threading.Channels;
using Accounts.Core.Verification;

namespace Accounts.Bus.Kafka.Tests.Support;

/// <summary>
/// The handler a test plays: records every call in order, and answers with <see cref="Behavior"/> (Done by default),
/// which may block, fail or declare the message poison.
/// </summary>
internal sealed class RecordingHandler : ICodeRequestHandler
{
    private readonly Channel<CodeRequestMessage> _calls = Channel.CreateUnbounded<CodeRequestMessage>();

    public Func<CodeRequestMessage, CancellationToken, Task<CodeRequestHandling>> Behavior { get; set; } =
        (_, _) => Task.FromResult(CodeRequestHandling.Done);

    /// <summary>Every message handed over, in order (a redelivery appears again).</summary>
    public ConcurrentQueue<CodeRequestMessage> Calls { get; } = new();

    public async Task<CodeRequestHandling> HandleAsync(CodeRequestMessage message, CancellationToken cancellationToken)
    {
        Calls.Enqueue(message);
        _calls.Writer.TryWrite(message);
        return await Behavior(message, cancellationToken);
    }

    /// <summary>The next call (in order), failing the test when none comes within the bound.</summary>
    public Task<CodeRequestMessage> NextAsync(string what) =>
        _calls.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().Within(what);
}
