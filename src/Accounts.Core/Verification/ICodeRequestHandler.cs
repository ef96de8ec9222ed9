namespace Accounts.Core.Verification;

/// <summary>
/// What the bus hands each code request to (the Kafka consumer, or the in-process queue): it makes and sends the
/// code. The bus commits the message once this returns; an exception means "not done, deliver it again later".
/// </summary>
public interface ICodeRequestHandler
{
    Task<CodeRequestHandling> HandleAsync(CodeRequestMessage message, CancellationToken cancellationToken);
}

/// <summary>How a handled message ends: done (sent, or nothing to send), or poison — never deliverable, set aside with the reason.</summary>
public sealed record CodeRequestHandling
{
    private CodeRequestHandling(string? poisonReason) => PoisonReason = poisonReason;

    public static CodeRequestHandling Done { get; } = new((string?)null);

    /// <summary>Null when the message was handled; otherwise why it can never be (it goes to the dead-letter topic).</summary>
    public string? PoisonReason { get; }

    public bool IsPoison => PoisonReason is not null;

    public static CodeRequestHandling Poison(string reason) => new(reason ?? throw new ArgumentNullException(nameof(reason)));
}
