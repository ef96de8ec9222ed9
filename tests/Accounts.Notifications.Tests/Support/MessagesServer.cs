using System.Text.Json.Nodes;
using Accounts.Testing;

namespace Accounts.Notifications.Tests.Support;

/// <summary>
/// tests/node/messages-server.js: the original messages server on socket.io@4, with one socket.io-client per room
/// (the browsers). What the server received and what each client got come back as lines.
/// </summary>
internal sealed class MessagesServer : IAsyncDisposable
{
    private readonly NodeProcess _node;
    private int _generation = 1;

    private MessagesServer(NodeProcess node, int port)
    {
        _node = node;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<MessagesServer> StartAsync(string[] rooms, string? token = null)
    {
        var config = new Dictionary<string, object> { ["port"] = 0, ["rooms"] = rooms };
        if (token is not null)
        {
            config["token"] = token;
        }

        var (node, ready) = await NodeProcess.StartAsync("messages-server.js", config, TestContext.Current.CancellationToken);
        return new MessagesServer(node, (int)ready["port"]!);
    }

    /// <summary>The first <c>Profile_Response</c> the client of <paramref name="room"/> got with this message.</summary>
    public Task<JsonObject> ResponseAsync(string room, JsonNode? message) =>
        _node.WaitForAsync("response", line => (string?)line["room"] == room && JsonNode.DeepEquals(line["message"], message), cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Every <c>Profile_Response</c> the client of <paramref name="room"/> got so far, in order.</summary>
    public IReadOnlyList<JsonObject> Responses(string room) =>
        _node.Lines().Where(line => (string?)line["type"] == "response" && (string?)line["room"] == room).ToList();

    /// <summary>The messages of <see cref="Responses"/>, as strings (for string messages).</summary>
    public IReadOnlyList<string?> ResponseTexts(string room) => Responses(room).Select(line => (string?)line["message"]).ToList();

    /// <summary>The payloads of the <c>Profile</c> events the server received, in order.</summary>
    public IReadOnlyList<JsonNode?> ProfilesReceived() =>
        _node.Lines().Where(line => (string?)line["type"] == "profile").Select(line => line["payload"]).ToList();

    /// <summary>Lines of <paramref name="type"/> about the bridge (admitted, refused, disconnected) in the current run of the server.</summary>
    public Task<JsonObject> BridgeEventAsync(string type) =>
        _node.WaitForAsync(type, line => (int?)line["generation"] == _generation, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Closes the server and every connection to it; the room clients keep trying to reconnect.</summary>
    public async Task StopAsync()
    {
        var stopping = _generation;
        await _node.SendAsync(new { stop = true });
        await _node.WaitForAsync("stopped", line => (int?)line["generation"] == stopping, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Starts the server again on the same port; it admits the bridge once every room client has joined again.</summary>
    public async Task StartAgainAsync()
    {
        _generation++;
        var starting = _generation;
        await _node.SendAsync(new { start = true });
        await _node.WaitForAsync("started", line => (int?)line["generation"] == starting, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _node.CloseAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            await _node.DisposeAsync();
        }
    }
}
