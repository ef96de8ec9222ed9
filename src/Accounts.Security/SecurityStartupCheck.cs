using Accounts.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Accounts.Security;

/// <summary>
/// Builds every security adapter when the host starts, so that a missing libsodium or a bad key stops the
/// process with a message naming the cause instead of failing the first sign-in.
/// </summary>
internal sealed class SecurityStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Argon2idPasswordHasher.EnsureAvailable();
        services.GetRequiredService<KeyRing>();
        services.GetRequiredService<IPasswordHasher>();
        services.GetRequiredService<IFieldProtector>();
        services.GetRequiredService<IAccessTokenService>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
