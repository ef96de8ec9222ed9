namespace Accounts.Security.Tests;

/// <summary>Fresh key material per test: nothing is shared, nothing is written to disk.</summary>
internal static class TestKeys
{
    public static KeysOptions Options() => KeyRing.Generate();

    public static KeyRing Ring() => KeyRing.FromOptions(Options());

    /// <summary>The given keys with a new current key put in front of each list, as an operator rotating would.</summary>
    public static KeysOptions Rotated(KeysOptions old)
    {
        var fresh = Options();
        return new KeysOptions
        {
            Signing = [.. fresh.Signing, .. old.Signing],
            Encryption = [.. fresh.Encryption, .. old.Encryption],
            IndexKey = old.IndexKey,
        };
    }
}
