using Microsoft.Extensions.Options;

namespace Accounts.Server.Hosting;

internal static class OptionsBuilderExtensions
{
    /// <summary>Binds a section and validates it when the host starts, so a bad setting stops the process with its name.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        // Singletons of the bound values let the core take plain options objects, free of Microsoft.Extensions.Options.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>A rule on one setting; the message starts with the setting's full name.</summary>
    public static OptionsBuilder<T> Require<T>(this OptionsBuilder<T> builder, string setting, Func<T, bool> rule, string requirement)
        where T : class =>
        builder.Validate(rule, $"{setting} {requirement}");
}

/// <summary>Validates with a rule that answers the failure message itself (null when valid).</summary>
internal sealed class MessageValidator<T>(Func<T, string?> rule) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        rule(options) is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
}
