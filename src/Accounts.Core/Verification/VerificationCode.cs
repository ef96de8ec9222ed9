namespace Accounts.Core.Verification;

/// <summary>
/// A code as stored: never the digits themselves, only their keyed hash (<see cref="CodeHash"/>), bound to a
/// purpose and to the blind index of the destination it was sent to.
/// </summary>
public sealed record VerificationCode
{
    public required string Id { get; init; }
    public required CodePurpose Purpose { get; init; }
    public required DeliveryChannel Channel { get; init; }
    public required string DestinationIndex { get; init; }
    public required string CodeHash { get; init; }
    public int Attempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ConsumedAt { get; init; }

    /// <summary>
    /// What the code confirms, when it confirms more than the destination (a pending registration), already
    /// encrypted by the core: stores keep it opaque and drop it with the code.
    /// </summary>
    public string? Payload { get; init; }
}
