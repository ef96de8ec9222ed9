using Accounts.Notifications.SocketIo.Protocol;

namespace Accounts.Notifications.Tests.SocketIo.Protocol;

public sealed class SocketIoEndpointTests
{
    [Theory]
    [InlineData("http://127.0.0.1:3000", "/socket.io/", "ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket")]
    [InlineData("https://messages.example.com", "socket.io", "wss://messages.example.com/socket.io/?EIO=4&transport=websocket")]
    [InlineData("wss://messages.example.com:8443/", "/realtime", "wss://messages.example.com:8443/realtime/?EIO=4&transport=websocket")]
    [InlineData("ws://[::1]:3000", "/", "ws://[::1]:3000/?EIO=4&transport=websocket")]
    public void PointsAtTheWebSocketTransportUnderThePath(string url, string path, string expected) =>
        SocketIoEndpoint.Build(new Uri(url), path).AbsoluteUri.ShouldBe(expected);
}
