using System.Text;
using System.Text.Json;
using Accounts.Core.Verification;

namespace Accounts.Delivery.Outbox;

/// <summary>
/// Delivers every message by appending one JSON line <c>{at, channel, destination, purpose, text}</c> to a file,
/// so a person or a script on this machine can read the code. This is a delivery channel, not a log: the file is
/// created readable by its owner only, and nothing else in the service writes codes anywhere.
/// </summary>
public sealed class OutboxMessageSender(string path, TimeProvider time) : IMessageSender
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(
            new OutboxLine(time.GetUtcNow(), message.Channel.ToWire(), message.Destination, message.Purpose.ToWire(), message.Text),
            Json) + "\n";
        var bytes = Encoding.UTF8.GetBytes(line);

        // One write per line on an append-mode file: lines from concurrent writers (even other processes
        // sharing the data directory) never interleave.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(Path)!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var options = new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite,
                Options = FileOptions.Asynchronous,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var stream = new FileStream(Path, options);
            await stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        return null;
    }

    private sealed record OutboxLine(DateTimeOffset At, string Channel, string Destination, string Purpose, string Text);
}
