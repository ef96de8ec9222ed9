using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>Concurrent loops of POST /v1/sessions over reused connections, each waiting for its answer before the next.</summary>
internal static class SignInPhase
{
    private static readonly Uri SessionsPath = new("/v1/sessions", UriKind.Relative);

    public static HttpClient CreateClient(Uri baseAddress, int concurrency) =>
        new(new SocketsHttpHandler
        {
            // One connection per loop, kept for the whole run: connection set-up is not what is measured.
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    public static Task<Measurement> RunAsync(HttpClient client, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { login = AccountSetup.Username, password = AccountSetup.Password });
        return Measurement.RunAsync(concurrency, duration, loop => LoopAsync(client, body, loop, cancellationToken));
    }

    private static async Task LoopAsync(HttpClient client, byte[] body, WorkerLoop loop, CancellationToken cancellationToken)
    {
        // Leave the caller's thread at once, so every loop starts before the first one has finished a request.
        await Task.Yield();
        while (loop.HasTimeLeft)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, SessionsPath)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    loop.Success(started);
                }
                else
                {
                    loop.Failure($"HTTP {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException e)
            {
                loop.Failure($"{nameof(HttpRequestException)} ({e.HttpRequestError})");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                loop.Failure("timeout");
            }
        }
    }
}
