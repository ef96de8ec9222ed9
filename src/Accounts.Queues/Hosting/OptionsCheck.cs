using Microsoft.Extensions.Options;

namespace Accounts.Queues.Hosting;

/// <summary>Runs an options class's own Validate() at start-up; the failure names the section and the setting.</summary>
internal sealed class OptionsCheck<TOptions>(string? only, string section, Action<TOptions> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <param name="name">The named options instance being validated; <c>only</c> limits the check to one.</param>
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (only is not null && !string.Equals(only, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        try
        {
            validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{section}:{ex.ParamName}: {ex.Message}");
        }
    }
}
