using System.Collections.Concurrent;
using System.Text;

namespace Accounts.Tcp.Tests.Support;

/// <summary>
/// Stands in for the use cases, which the host wires later: by default it echoes the payload back with status 0;
/// a test may script any answer. Records what reached it.
/// </summary>
internal sealed class ScriptedDispatcher : ITcpRequestDispatcher
{
    public delegate ValueTask<TcpReply> Script(TcpRequestType type, ReadOnlyMemory<byte> json, TcpConnectionContext context, CancellationToken cancellationToken);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Script Answer { get; set; } = Echo;

    public static ValueTask<TcpReply> Echo(TcpRequestType type, ReadOnlyMemory<byte> json, TcpConnectionContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TcpReply.Json(TcpStatus.Ok, json.ToArray()));

    public ValueTask<TcpReply> DispatchAsync(TcpRequestType type, ReadOnlyMemory<byte> jsonPayload, TcpConnectionContext context, CancellationToken cancellationToken)
    {
        Requests.Enqueue(new Received(type, Encoding.UTF8.GetString(jsonPayload.Span), context.ConnectionId, context.ClientAddress));
        return Answer(type, jsonPayload, context, cancellationToken);
    }

    public sealed record Received(TcpRequestType Type, string Json, string ConnectionId, string? ClientAddress);
}
