namespace Accounts.Security;

/// <summary>How an error names a key setting: as a configuration key, or as a JSON path in the key file.</summary>
internal sealed class KeySettingNames
{
    private readonly Func<string, string> _list;
    private readonly Func<string, int, string, string> _item;

    private KeySettingNames(Func<string, string> list, Func<string, int, string, string> item)
    {
        _list = list;
        _item = item;
    }

    /// <summary><c>Accounts:Keys:Encryption:0:Key</c>.</summary>
    public static KeySettingNames ForConfiguration { get; } = new(
        name => $"{KeysOptions.Section}:{name}",
        (list, index, field) => $"{KeysOptions.Section}:{list}:{index}:{field}");

    /// <summary><c>/data/keys.json: encryption[0].key</c>.</summary>
    public static KeySettingNames ForFile(string path) => new(
        name => $"{path}: {Camel(name)}",
        (list, index, field) => $"{path}: {Camel(list)}[{index}].{Camel(field)}");

    public string List(string name) => _list(name);

    public string Scalar(string name) => _list(name);

    public string Item(string list, int index, string field) => _item(list, index, field);

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
