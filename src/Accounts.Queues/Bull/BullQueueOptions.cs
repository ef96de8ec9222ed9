namespace Accounts.Queues.Bull;

/// <summary>Where the Bull queues live in Redis.</summary>
public sealed class BullQueueOptions
{
    /// <summary>Bull's key prefix (<c>new Queue(name, {prefix})</c>): keys are <c>{Prefix}:{queue}:...</c>.</summary>
    public string Prefix { get; set; } = "bull";

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting at fault.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Prefix) || Prefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException("Prefix must be a non-empty key prefix without spaces.", nameof(Prefix));
        }
    }
}
