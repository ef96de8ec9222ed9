using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accounts.Queues;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests.Jobs;

/// <summary>What the queue tests share: the original gateway's tokens, and waiting for a job to finish.</summary>
internal static class JobTestKit
{
    public const string GatewaySecret = "the gateway's shared secret, 32+ chars";

    /// <summary>A 1×1 PNG, as the original clients sent images: base64.</summary>
    public const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    public static Dictionary<string, string?> GatewaySettings() => new() { ["Accounts:Queues:LegacyTokenSecret"] = GatewaySecret };

    /// <summary>A token as the original gateway minted it: <c>jwt.sign({Id}, secret, {expiresIn})</c>, HS256.</summary>
    public static string GatewayToken(string id, DateTimeOffset now, string secret = GatewaySecret, TimeSpan? lifetime = null, string alg = "HS256")
    {
        var header = Encode(new JsonObject { ["alg"] = alg, ["typ"] = "JWT" });
        var payload = Encode(new JsonObject
        {
            ["Id"] = id,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (lifetime ?? TimeSpan.FromHours(1))).ToUnixTimeSeconds(),
        });
        var signature = WebEncoders.Base64UrlEncode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + payload)));
        return header + "." + payload + "." + signature;
    }

    public static IJobQueue Queue(this AccountsApplication app) => app.Services.GetRequiredService<IJobQueue>();

    /// <summary>Adds a job as the original gateway did (attempts 1 unless told; kept, so the test can read it back).</summary>
    public static async Task<JobInfo> RunJobAsync(this AccountsApplication app, string queue, object data, int attempts = 1)
    {
        var node = JsonSerializer.SerializeToNode(data);
        var id = await app.Queue().AddAsync(queue, node, new JobOptions { Attempts = attempts }, TestContext.Current.CancellationToken);
        return await app.FinishedAsync(queue, id);
    }

    public static async Task<JobInfo> FinishedAsync(this AccountsApplication app, string queue, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var job = await app.Queue().GetAsync(queue, id, TestContext.Current.CancellationToken);
            if (job is { State: JobState.Completed or JobState.Failed })
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {queue}/{id} did not finish; it is {job?.State.ToString() ?? "gone"}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static void ShouldAnswer(this JobInfo job, bool status, string message)
    {
        job.State.ShouldBe(JobState.Completed, job.FailedReason);
        job.ReturnValue!["Status"]!.GetValue<bool>().ShouldBe(status, job.ReturnValue.ToJsonString());
        job.ReturnValue["Message"]!.GetValue<string>().ShouldBe(message);
    }

    public static void ShouldBeRejected(this JobInfo job, string reason)
    {
        job.State.ShouldBe(JobState.Failed, job.ReturnValue?.ToJsonString());
        job.FailedReason.ShouldBe(reason);
    }

    private static string Encode(JsonObject value) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(value.ToJsonString()));
}
