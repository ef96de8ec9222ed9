using Accounts.Core.Security;
using Accounts.Core.Verification;

namespace Accounts.Core.Services;

/// <summary>Blind indexes of contacts and secrets, each kind under its own purpose so they can never collide.</summary>
public static class ContactIndex
{
    public static string Email(this IFieldProtector protector, string normalizedEmail) =>
        protector.ComputeIndex("email", normalizedEmail);

    public static string Phone(this IFieldProtector protector, string e164) =>
        protector.ComputeIndex("phone", e164);

    public static string Destination(this IFieldProtector protector, DeliveryChannel channel, string destination) =>
        channel == DeliveryChannel.Email ? protector.Email(destination) : protector.Phone(destination);

    public static string RefreshToken(this IFieldProtector protector, string token) =>
        protector.ComputeIndex("refresh-token", token);

    public static string AccessToken(this IFieldProtector protector, string token) =>
        protector.ComputeIndex("access-token", token);

    public static string Code(this IFieldProtector protector, string codeId, string code) =>
        protector.ComputeIndex("code", codeId + ":" + code);
}
