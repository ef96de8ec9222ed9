using System.Security.Cryptography;
using System.Text;

namespace Accounts.Redis;

/// <summary>
/// A Lua script and the SHA1 that Redis knows it by. <see cref="IRedisCommands.EvaluateAsync"/> sends EVALSHA and,
/// when the server answers NOSCRIPT (its script cache is empty after a restart or SCRIPT FLUSH), sends the source
/// once with EVAL, which runs it and caches it again. Create each script once (a static field) and reuse it.
/// </summary>
public sealed class RedisScript
{
    public RedisScript(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        Source = source;
        // Redis names cached scripts by their SHA1: an identifier here, not a security control.
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    public string Source { get; }

    /// <summary>Lower-case hex, as SCRIPT LOAD returns it.</summary>
    public string Sha1 { get; }

    public override string ToString() => $"RedisScript({Sha1})";
}
