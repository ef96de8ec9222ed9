using System.Net;
using System.Net.Sockets;

namespace Accounts.Server.Tests;

/// <summary>
/// An address that refuses connections until opened, then forwards them to <c>target</c>: a dependency unreachable
/// when a request arrives and reachable later (a Kafka bootstrap address, an SMTP relay).
/// </summary>
internal sealed class TcpGate : IDisposable
{
    private readonly string _target;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;

    public TcpGate(string target)
    {
        _target = target;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        _port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public string Address => $"127.0.0.1:{_port}";

    public void Open()
    {
        _listener = new TcpListener(IPAddress.Loopback, _port);
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener?.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var separator = _target.LastIndexOf(':');
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener!.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (inbound)
                using (var outbound = new TcpClient())
                {
                    try
                    {
                        await outbound.ConnectAsync(_target[..separator], int.Parse(_target[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture), _stop.Token);
                        await Task.WhenAny(
                            inbound.GetStream().CopyToAsync(outbound.GetStream(), _stop.Token),
                            outbound.GetStream().CopyToAsync(inbound.GetStream(), _stop.Token));
                    }
                    catch (Exception)
                    {
                    }
                }
            });
        }
    }
}
