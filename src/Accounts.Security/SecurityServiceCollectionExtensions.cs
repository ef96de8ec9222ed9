using Accounts.Core;
using Accounts.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Registers the security adapters as singletons: <see cref="KeyRing"/> (configured keys, else
    /// <c>keys.json</c> under <paramref name="dataDirectory"/>), <see cref="IPasswordHasher"/>,
    /// <see cref="IFieldProtector"/>, <see cref="IAccessTokenService"/> (also as <see cref="JwtAccessTokenService"/>
    /// for its JWKS document), and a start-up check that loads libsodium and the keys before the first request.
    /// Binding the options is the host's: <see cref="KeysOptions"/>, <see cref="PasswordHashingOptions"/> and
    /// <see cref="TokenOptions"/>, each from its <c>Section</c>.
    /// </summary>
    public static IServiceCollection AddAccountsSecurity(this IServiceCollection services, Func<IServiceProvider, string> dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        services.AddSingleton(sp =>
        {
            var directory = dataDirectory(sp);
            var ring = KeyRing.Load(sp.GetRequiredService<IOptions<KeysOptions>>().Value, directory, out var generated);
            if (generated)
            {
                SecurityLog.KeysGenerated(sp.GetRequiredService<ILogger<KeyRing>>(), Path.Combine(Path.GetFullPath(directory), KeyRing.FileName));
            }

            return ring;
        });
        services.AddSingleton(sp => new Argon2idPasswordHasher(sp.GetRequiredService<IOptions<PasswordHashingOptions>>().Value));
        services.AddSingleton<IPasswordHasher>(sp => sp.GetRequiredService<Argon2idPasswordHasher>());
        services.AddSingleton(sp => new AesGcmFieldProtector(sp.GetRequiredService<KeyRing>()));
        services.AddSingleton<IFieldProtector>(sp => sp.GetRequiredService<AesGcmFieldProtector>());
        services.AddSingleton(sp => new JwtAccessTokenService(sp.GetRequiredService<KeyRing>(), sp.GetRequiredService<IOptions<TokenOptions>>().Value));
        services.AddSingleton<IAccessTokenService>(sp => sp.GetRequiredService<JwtAccessTokenService>());
        services.AddHostedService<SecurityStartupCheck>();
        return services;
    }

    /// <inheritdoc cref="AddAccountsSecurity(IServiceCollection, Func{IServiceProvider, string})"/>
    public static IServiceCollection AddAccountsSecurity(this IServiceCollection services, string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        return services.AddAccountsSecurity(_ => dataDirectory);
    }
}
