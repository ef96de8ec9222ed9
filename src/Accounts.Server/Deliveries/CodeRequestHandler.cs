using Accounts.Core.Errors;
using Accounts.Core.Verification;
using Accounts.Notifications;
using Accounts.Server.Jobs;

namespace Accounts.Server.Deliveries;

/// <summary>
/// The sender's side of the bus: delivers each request's code (<see cref="DeliverVerificationCode"/>) and tells the
/// account that asked through a job — <c>&lt;Id&gt;_Verification</c> "The verification code has been sent", or
/// "Communication server error" when the provider refused for good. A redelivery of a sent request sends and tells
/// nothing. A provider's passing failure is thrown, so the bus delivers the request again later.
/// </summary>
internal sealed partial class CodeRequestHandler(
    DeliverVerificationCode deliver,
    ICodeRequestOutbox requests,
    IOutcomePublisher outcomes,
    TimeProvider time,
    ILogger<CodeRequestHandler> logger) : ICodeRequestHandler
{
    public const string Sent = "The verification code has been sent";
    public const string CommunicationError = "Communication server error";

    public async Task<CodeRequestHandling> HandleAsync(CodeRequestMessage message, CancellationToken cancellationToken)
    {
        Result<CodeDelivery> result;
        try
        {
            result = await deliver.ExecuteAsync(message, cancellationToken);
        }
        catch (DeliveryFailedException ex) when (!ex.Retryable)
        {
            Log.Refused(logger, message.RequestId ?? message.DeliveryKey, ex.Message);
            var request = await requests.FindAsync(message.RequestId ?? message.DeliveryKey, cancellationToken);
            if (request is not null)
            {
                await requests.MarkFailedAsync(request.Id, time.GetUtcNow(), cancellationToken);
            }

            await TellAsync(request?.UserId ?? message.UserId, request?.JobId, false, CommunicationError, cancellationToken);
            return CodeRequestHandling.Poison("the provider refused the message: " + ex.Message);
        }

        if (!result.IsSuccess)
        {
            var error = result.Error!;
            if (error.Kind == ErrorKind.RateLimited)
            {
                // Another producer's request over the sending limits: answered, not retried.
                await TellAsync(message.UserId, null, false, error.Message, cancellationToken);
                return CodeRequestHandling.Done;
            }

            if (message.RequestId is { } requestId && error.Kind != ErrorKind.NotFound)
            {
                await requests.MarkFailedAsync(requestId, time.GetUtcNow(), cancellationToken);
            }

            return CodeRequestHandling.Poison(error.Message);
        }

        var delivery = result.Value;
        if (!delivery.AlreadySent)
        {
            await TellAsync(delivery.Request.UserId, delivery.Request.JobId, true, Sent, cancellationToken);
        }

        return CodeRequestHandling.Done;
    }

    private async Task TellAsync(string? userId, string? jobId, bool status, string text, CancellationToken cancellationToken)
    {
        if (userId is not null)
        {
            await outcomes.PublishAsync(new Outcome(userId, AccountQueues.Verification, jobId, status, text, time.GetUtcNow()), cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1034, Level = LogLevel.Warning, Message = "Code request {RequestId}: the provider refused the message for good: {Reason}")]
        public static partial void Refused(ILogger logger, string requestId, string reason);
    }
}
