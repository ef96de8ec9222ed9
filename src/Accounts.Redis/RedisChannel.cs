namespace Accounts.Redis;

/// <summary>A channel name (SUBSCRIBE) or a glob-style pattern (PSUBSCRIBE). A string converts to a channel name.</summary>
public readonly record struct RedisChannel
{
    private RedisChannel(string name, bool isPattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        IsPattern = isPattern;
    }

    public string Name { get; }

    public bool IsPattern { get; }

    public static RedisChannel Literal(string name) => new(name, isPattern: false);

    public static RedisChannel Pattern(string pattern) => new(pattern, isPattern: true);

    public static implicit operator RedisChannel(string name) => Literal(name);

    public static RedisChannel FromString(string name) => Literal(name);

    public override string ToString() => IsPattern ? $"pattern {Name}" : Name;
}
