using System.Text.Json.Nodes;
using Accounts.Notifications;
using Accounts.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests.Notifications;

/// <summary>
/// The service on Kestrel at a loopback port of the system's choice (a SignalR client needs a real socket), with the
/// test's clock, and tokens checked again every second. Outcomes are published the way a job handler publishes
/// them, through the app's <see cref="IOutcomePublisher"/>.
/// </summary>
internal sealed class HubTestServer : IAsyncDisposable
{
    private readonly List<NodeProcess> _clients = [];

    private HubTestServer(AccountsApplication app, string baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = new Uri(baseAddress) };
    }

    public AccountsApplication App { get; }

    public string BaseAddress { get; }

    public string HubUrl => BaseAddress + "/hubs/notifications";

    public HttpClient Http { get; }

    public static HubTestServer Start(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Accounts:Tcp:Port"] = "0",
            ["Accounts:Notifications:RecheckTokensEvery"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new AccountsApplication(all);
        app.UseKestrel();
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new HubTestServer(app, address.TrimEnd('/'));
    }

    /// <summary>Registers and signs in a user; their id and access token.</summary>
    public async Task<(string UserId, string AccessToken)> SignUpAsync(string username)
    {
        var profile = await App.RegisterAsync(Http, username, $"{username}@example.com");
        var tokens = await App.SignInAsync(Http, username);
        return ((string)profile["id"]!, tokens.AccessToken);
    }

    public Task PublishAsync(string userId, string operation, string? jobId, JsonNode? message = null, bool status = true) =>
        App.Services.GetRequiredService<IOutcomePublisher>().PublishAsync(
            new Outcome(userId, operation, jobId, status, message ?? JsonValue.Create("done"), App.Clock.GetUtcNow()),
            TestContext.Current.CancellationToken);

    /// <summary>A hub client (tests/node/signalr-client.js) with this token or ticket, once its start has succeeded or failed.</summary>
    public async Task<HubClient> ConnectAsync(string? token, string? transport = null, string? url = null)
    {
        var (node, _) = await NodeProcess.StartAsync("signalr-client.js", new { url = url ?? HubUrl, token, transport }, TestContext.Current.CancellationToken);
        _clients.Add(node);
        var start = await node.WaitForAsync("start", cancellationToken: TestContext.Current.CancellationToken);
        return new HubClient(node, (bool)start["connected"]!, (string?)start["message"]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        Http.Dispose();
        await App.DisposeAsync();
    }
}

internal sealed record HubClient(NodeProcess Node, bool Connected, string? RefusedBecause)
{
    public Task<JsonObject> WaitForOutcomeAsync(string operation, string jobId) =>
        WaitForOutcomeAsync(outcome => (string?)outcome["operation"] == operation && (string?)outcome["jobId"] == jobId);

    public async Task<JsonObject> WaitForOutcomeAsync(Func<JsonObject, bool> match) =>
        (await Node.WaitForAsync("outcome", line => match(line["outcome"]!.AsObject()), cancellationToken: TestContext.Current.CancellationToken))["outcome"]!.AsObject();

    /// <summary>Every outcome received so far, in order, as <c>operation/jobId</c>.</summary>
    public IReadOnlyList<string> Received() =>
        [.. Node.Lines().Where(line => (string?)line["type"] == "outcome").Select(line => $"{line["outcome"]!["operation"]}/{line["outcome"]!["jobId"]}")];

    public Task<JsonObject> WaitForCloseAsync() => Node.WaitForAsync("closed", cancellationToken: TestContext.Current.CancellationToken);
}
