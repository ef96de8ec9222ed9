using System.Text;

namespace Accounts.Security;

/// <summary>One AES-256-GCM key with its id, which is also the associated data of every value it protects.</summary>
internal sealed class EncryptionKey(string id, byte[] key)
{
    public string Id { get; } = id;

    public byte[] Key { get; } = key;

    public byte[] AssociatedData { get; } = Encoding.UTF8.GetBytes(id);

    public override string ToString() => $"EncryptionKey({Id})";
}
