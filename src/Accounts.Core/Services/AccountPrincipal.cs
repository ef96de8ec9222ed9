namespace Accounts.Core.Services;

/// <summary>Who is calling, as established by a checked access token: the user and the session the token belongs to.</summary>
public sealed record AccountPrincipal(string UserId, string SessionId);
