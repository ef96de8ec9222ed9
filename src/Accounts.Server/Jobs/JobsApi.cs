using System.Text.Json;
using System.Text.Json.Nodes;
using Accounts.Core.Errors;
using Accounts.Core.Users;
using Accounts.Notifications;
using Accounts.Queues;
using Accounts.Server.Http;
using Microsoft.AspNetCore.Authentication;

namespace Accounts.Server.Jobs;

/// <summary>
/// The queues over HTTP, for clients without a Bull library: <c>POST /v1/jobs/{queue}</c> adds a job with the
/// original's data shape and answers 202 with its id; <c>GET /v1/jobs/{queue}/{id}</c> tells its state. Outcomes
/// themselves (the <c>Status</c> and <c>Message</c>) go to the notification hub, never to a status query.
/// </summary>
internal static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/jobs").WithTags("Jobs").RequireRateLimiting(RateLimits.AuthPolicy);

        group.MapPost("/{queue}", AddAsync)
            .WithName("AddJob")
            .WithSummary("Adds a job to one of the original queues (job.data as the original gateway sent it); 202 with its id and, before sign-in, a one-time notification ticket.")
            .Produces<JobAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{queue}/{id}", GetAsync)
            .WithName("GetJob")
            .WithSummary("The state of a job (waiting, active, delayed, completed, failed); never its data nor its answer.")
            .Produces<JobState>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return routes;
    }

    private static async Task<IResult> AddAsync(
        string queue,
        HttpContext context,
        IJobQueue queues,
        JobTokens jobTokens,
        IJobTickets tickets,
        IEnumerable<IAccountJob> operations,
        QueuesOptions options,
        CancellationToken cancellationToken)
    {
        if (!QueuesOptions.All.Contains(queue, StringComparer.Ordinal))
        {
            return Problems.From(UnknownQueue(queue), context);
        }

        JsonObject data;
        try
        {
            data = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: cancellationToken) as JsonObject
                ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return Problems.From(AccountErrors.Invalid("body", "invalid_job_data", "The body must be a JSON object: the job's data (Id, Phone, ...)."), context);
        }

        if (Canonicalize(data) is { } unknownField)
        {
            return Problems.From(AccountErrors.Invalid(unknownField, "unknown_field", $"'{unknownField}' is not a field of a job; they are {string.Join(", ", Fields)}."), context);
        }

        // A bearer token that does not check out is refused outright, not quietly treated as no token.
        var authentication = await context.AuthenticateAsync(BearerTokenHandler.SchemeName);
        if (authentication.Failure is not null)
        {
            return Problems.From(AccountErrors.InvalidToken, context);
        }

        string? subject = authentication.Succeeded ? authentication.Principal!.Account().UserId : null;
        if (data["Id"] is null && subject is not null)
        {
            data["Id"] = subject;
        }

        if (data["Id"] is not JsonValue idValue || idValue.GetValueKind() != JsonValueKind.String || idValue.GetValue<string>() is not { } id)
        {
            return Problems.From(AccountErrors.Invalid("Id", "invalid_id", "The job's Id (the account's id) is required, as a string."), context);
        }

        if (UserId.Validate(id) is { } invalidId)
        {
            return Problems.From(invalidId with { Field = "Id" }, context);
        }

        if (subject is not null && !string.Equals(subject, id, StringComparison.Ordinal))
        {
            return Problems.From(new Error("not_your_account", "The token is not the job's Id's: a job acts only for its own account.", ErrorKind.Forbidden), context);
        }

        var beforeSignIn = subject is null;
        if (subject is not null)
        {
            // The worker checks it again when the job runs: a session ended meanwhile stops the job.
            data["Token"] = context.Request.BearerToken();
        }
        else if (data["Token"] is null)
        {
            if (!operations.Single(operation => operation.Queue == queue).OpenBeforeSignIn)
            {
                return Problems.From(new Error("sign_in_required", $"{queue} acts on an account: send its access token (Authorization: Bearer).", ErrorKind.Unauthorized), context);
            }

            data["Token"] = jobTokens.Issue(queue, id);
        }

        var jobId = await queues.AddAsync(queue, data, new JobOptions
        {
            Attempts = options.Attempts,
            Backoff = JobBackoff.Exponential(TimeSpan.FromSeconds(1)),
            // The data holds passwords and codes: nothing of it stays once the job is done (the status book remembers the state).
            RemoveOnComplete = KeepJobs.None,
            RemoveOnFail = KeepJobs.None,
        }, cancellationToken);

        var ticket = beforeSignIn ? await tickets.IssueAsync(new JobTicketScope(queue, jobId, id), cancellationToken) : null;
        var location = $"/v1/jobs/{Uri.EscapeDataString(queue)}/{Uri.EscapeDataString(jobId)}";
        return TypedResults.Accepted(location, new JobAccepted(queue, jobId, ticket, location));
    }

    private static async Task<IResult> GetAsync(string queue, string id, HttpContext context, IJobQueue queues, JobStatusBook statuses, CancellationToken cancellationToken)
    {
        if (!QueuesOptions.All.Contains(queue, StringComparer.Ordinal))
        {
            return Problems.From(UnknownQueue(queue), context);
        }

        if (id.Length is 0 or > 200)
        {
            return Problems.From(NoSuchJob, context);
        }

        if (await queues.GetAsync(queue, id, cancellationToken) is { State: not Queues.JobState.Unknown } job)
        {
            return TypedResults.Ok(new JobState(
                queue,
                job.Id,
                job.State.ToString().ToLowerInvariant(),
                job.AttemptsMade,
                job.State == Queues.JobState.Failed ? job.FailedReason : null,
                job.CreatedAt,
                job.FinishedAt));
        }

        if (await statuses.FindAsync(queue, id, cancellationToken) is { } status)
        {
            return TypedResults.Ok(new JobState(queue, id, status.State, null, status.FailedReason, null, status.FinishedAt));
        }

        return Problems.From(NoSuchJob, context);
    }

    /// <summary>The fields of the original jobs, as its workers read them.</summary>
    private static readonly string[] Fields = ["Id", "Username", "Phone", "Image", "Password", "CurrentPassword", "Code", "Token"];

    /// <summary>
    /// Renames fields to the original's spelling (<c>id</c> → <c>Id</c>: HTTP clients write camelCase, the workers
    /// read the gateway's names); returns the first field that is none of them.
    /// </summary>
    private static string? Canonicalize(JsonObject data)
    {
        foreach (var name in data.Select(field => field.Key).ToList())
        {
            var canonical = Array.Find(Fields, field => field.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (canonical is null)
            {
                return name;
            }

            if (canonical != name)
            {
                if (data.ContainsKey(canonical))
                {
                    return name;
                }

                var value = data[name];
                data.Remove(name);
                data[canonical] = value;
            }
        }

        return null;
    }

    private static Error UnknownQueue(string queue) =>
        new("unknown_queue", $"There is no queue '{queue}'; the queues are {string.Join(", ", QueuesOptions.All)}.", ErrorKind.NotFound);

    private static Error NoSuchJob { get; } =
        new("job_not_found", "No such job in this queue, or it finished longer ago than the service remembers.", ErrorKind.NotFound);
}

internal sealed record JobAccepted(string Queue, string JobId, string? Ticket, string StatusUrl);

internal sealed record JobState(string Queue, string JobId, string State, int? AttemptsMade, string? FailedReason, DateTimeOffset? CreatedAt, DateTimeOffset? FinishedAt);
