using System.Data.Common;

namespace Accounts.Tcp;

/// <summary>
/// Turns one request into a call to a use case and its outcome into a reply. The connection handler has already
/// dealt with everything protocol-level before calling it: framing, size, rate limit, unknown types, Ping, and
/// checking that the payload is one JSON object. One instance serves every connection, concurrently.
/// </summary>
public interface ITcpRequestDispatcher
{
    /// <summary>
    /// Answers a request of a known type other than <see cref="TcpRequestType.Ping"/>.
    /// <paramref name="jsonPayload"/> is a UTF-8 JSON object, valid only until the returned task completes (its
    /// buffer is pooled): copy anything kept longer. Expected failures are replies (<see cref="TcpReply.FromError"/>),
    /// not exceptions. An exception that escapes is answered by the handler: <see cref="System.Text.Json.JsonException"/>
    /// (a payload of the wrong shape) with 1 <c>invalid_request</c>, one that <see cref="IsUnavailable"/> accepts with
    /// 7 <c>unavailable</c>, anything else with 8 <c>internal_error</c> and no details. <paramref name="cancellationToken"/>
    /// is cancelled when the connection is gone.
    /// </summary>
    ValueTask<TcpReply> DispatchAsync(TcpRequestType type, ReadOnlyMemory<byte> jsonPayload, TcpConnectionContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Whether an exception means that a dependency failed (answered 7 <c>unavailable</c>, so clients retry) rather
    /// than a bug (8 <c>internal_error</c>). By default database errors and timeouts, as the HTTP door decides;
    /// implement it to add others (a Redis connection failure).
    /// </summary>
    bool IsUnavailable(Exception exception) => exception is DbException or TimeoutException;
}
