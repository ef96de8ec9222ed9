using System.Collections.Concurrent;
using System.Reflection;
using Accounts.Core.Verification;

namespace Accounts.Delivery.Twilio.Tests.Support;

/// <summary>
/// The outbox port as the status callback uses it: <see cref="ICodeRequestOutbox.RecordDeliveryAsync"/> records each
/// report and answers whether its SID is known; any other member throws. A proxy rather than a class, so that the
/// port can grow members the callback never calls without this fake having to follow.
/// </summary>
internal sealed class RecordingOutbox
{
    private readonly ConcurrentQueue<DeliveryStatus> _recorded = new();

    public RecordingOutbox()
    {
        var port = DispatchProxy.Create<ICodeRequestOutbox, Proxy>();
        ((Proxy)(object)port).Owner = this;
        Port = port;
    }

    public ICodeRequestOutbox Port { get; }

    public ConcurrentDictionary<string, bool> KnownSids { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<DeliveryStatus> Recorded => [.. _recorded];

    public void Know(string sid) => KnownSids[sid] = true;

    /// <summary>Not sealed: DispatchProxy derives from it.</summary>
#pragma warning disable CA1852
    public class Proxy : DispatchProxy
#pragma warning restore CA1852
    {
        internal RecordingOutbox Owner { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(ICodeRequestOutbox.RecordDeliveryAsync) || args is not [DeliveryStatus status, CancellationToken])
            {
                throw new NotSupportedException($"The status callback does not call {targetMethod?.Name}.");
            }

            Owner._recorded.Enqueue(status);
            return Task.FromResult(Owner.KnownSids.ContainsKey(status.ProviderMessageId));
        }
    }
}
