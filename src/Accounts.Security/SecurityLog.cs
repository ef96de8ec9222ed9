using Microsoft.Extensions.Logging;

namespace Accounts.Security;

/// <summary>Event ids 3000-3099 belong to this project.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning,
        Message = "No keys are configured: generated new ones in {Path}. Back this file up; losing it makes stored personal data unreadable.")]
    public static partial void KeysGenerated(ILogger logger, string path);
}
