using System.Text.Json.Nodes;

namespace Accounts.Server.Tests;

/// <summary>
/// Reading codes from the outbox files of real server processes. Codes are sent in the background, and with several
/// processes sharing a database any of them may send a given code (to its own data directory's outbox): so the
/// reader waits, and looks in every process's outbox.
/// </summary>
internal static class OutboxFiles
{
    /// <summary>The code of the first message to <paramref name="destination"/> in any of <paramref name="outboxes"/> that is not in <paramref name="seen"/>.</summary>
    public static async Task<string> NextCodeAsync(string destination, ISet<string> seen, params string[] outboxes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            foreach (var outbox in outboxes.Where(File.Exists))
            {
                foreach (var line in await File.ReadAllLinesAsync(outbox, TestContext.Current.CancellationToken))
                {
                    var message = JsonNode.Parse(line)!;
                    if ((string?)message["destination"] == destination && seen.Add(line))
                    {
                        return System.Text.RegularExpressions.Regex.Match((string)message["text"]!, @"\b\d{6}\b").Value;
                    }
                }
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"no new message to {destination} reached the outbox");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
