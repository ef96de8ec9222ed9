using System.Data.Common;
using Dapper;

namespace Accounts.Storage;

/// <summary>Small helpers shared by the stores: commands that carry the cancellation token, and time as unix milliseconds.</summary>
internal static class Sql
{
    public static CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    // Times are BIGINT milliseconds since the epoch, UTC: one type that means the same on every engine.
    public static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToUnixMs(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromUnixMs(long? value) => value is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
