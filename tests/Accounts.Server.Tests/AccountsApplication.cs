using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accounts.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests;

/// <summary>
/// The whole service in memory on a temporary data directory (SQLite file, generated keys, outbox), with a clock
/// the test moves. Each test gets its own: <c>await using var app = new AccountsApplication();</c>.
/// </summary>
public sealed class AccountsApplication : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _keepData;
    private readonly bool _realTime;
    private readonly Func<ValueTask> _dropStack;

    /// <param name="realTime">
    /// Run on the system clock instead of <see cref="Clock"/>: for tests where another process's clock meets this
    /// one's (Node's bull schedules delayed jobs by its own time).
    /// </param>
    public AccountsApplication(IDictionary<string, string?>? settings = null, string? dataDirectory = null, bool keepData = false, bool realTime = false)
    {
        _keepData = keepData;
        _realTime = realTime;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "accounts-tests", Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>
        {
            ["Accounts:DataDirectory"] = DataDirectory,
            // Cheaper hashing keeps the suite fast; the default parameters are covered by the security tests.
            ["Accounts:Passwords:MemoryKiB"] = "8192",
            ["Accounts:Passwords:Iterations"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        (var stack, _dropStack) = TestStack.Prepare();
        foreach (var (key, value) in stack)
        {
            _settings[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public string DataDirectory { get; }

    public string OutboxPath => Path.Combine(DataDirectory, "outbox.jsonl");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (!_realTime)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dropStack();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_keepData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Waits until every code requested so far has been through the bus: none unpublished, none waiting or being
    /// handled. Codes are sent in the background (the outbox, the relay, the bus), so tests wait before reading them.
    /// </summary>
    public async Task CodesDeliveredAsync()
    {
        var relay = Services.GetRequiredService<Accounts.Server.Deliveries.CodeRequestRelay>();
        var bus = Services.GetService<Accounts.Server.Deliveries.InProcessCodeBus>();
        var outbox = Services.GetRequiredService<Accounts.Core.Verification.ICodeRequestOutbox>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            // In this order: a request the relay takes after the first look is seen busy in the relay, or, once the
            // relay hands it over (before it stops being busy), pending in the bus.
            var unpublished = (await outbox.UnpublishedAsync(1, CancellationToken.None)).Count;
            if (unpublished == 0 && !relay.IsBusy && (bus?.Pending ?? 0) == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Code requests were still on their way after 20 s.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>The messages the outbox holds, oldest first, once the codes requested so far are delivered.</summary>
    public IReadOnlyList<JsonObject> OutboxMessages()
    {
        CodesDeliveredAsync().GetAwaiter().GetResult();
        return File.Exists(OutboxPath)
            ? File.ReadAllLines(OutboxPath).Select(line => JsonNode.Parse(line)!.AsObject()).ToList()
            : [];
    }

    /// <summary>The code in the newest message sent to <paramref name="destination"/>.</summary>
    public string LatestCode(string destination)
    {
        var message = OutboxMessages().LastOrDefault(m => (string?)m["destination"] == destination)
            ?? throw new InvalidOperationException($"Nothing was sent to {destination}.");
        var text = (string)message["text"]!;
        return System.Text.RegularExpressions.Regex.Match(text, @"\b\d{6}\b").Value;
    }

    public async Task<string> RequestCodeAsync(HttpClient client, string destination, string channel = "email", string purpose = "register")
    {
        var response = await client.PostAsJsonAsync("/v1/verifications", new { channel, destination, purpose });
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return LatestCode(channel == "email" ? destination.ToLowerInvariant() : destination);
    }

    /// <summary>Registers through the API (code requested and read from the outbox); returns the profile.</summary>
    public async Task<JsonObject> RegisterAsync(HttpClient client, string username, string email, string password = TestUsers.Password)
    {
        var code = await RequestCodeAsync(client, email);
        var response = await client.PostAsJsonAsync("/v1/users", new { username, email, password, code });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<Tokens> SignInAsync(HttpClient client, string login, string password = TestUsers.Password)
    {
        var response = await client.PostAsJsonAsync("/v1/sessions", new { login, password });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, body);
        return JsonSerializer.Deserialize<Tokens>(body, JsonSerializerOptions.Web)!;
    }

    public HttpClient CreateClient(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }
}

public sealed record Tokens(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn);

public static class TestUsers
{
    public const string Password = "correct horse battery staple";
}
