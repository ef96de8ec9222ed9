using Accounts.Storage.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Storage.Tests.MySql;

/// <summary>What the MariaDB/MySQL provider decides without a server: connection strings, duplicate keys, messages.</summary>
public sealed class MySqlStorageTests
{
    [Theory]
    [InlineData("Duplicate entry 'alice' for key 'ux_users_normalized_username'", "ux_users_normalized_username")]
    [InlineData("Duplicate entry 'alice' for key 'users.ux_users_normalized_username'", "ux_users_normalized_username")]
    [InlineData("Duplicate entry 'u-1' for key 'PRIMARY'", "PRIMARY")]
    [InlineData("Duplicate entry 'u-1' for key 'users.PRIMARY'", "PRIMARY")]
    [InlineData("Duplicate entry 'x'' for key 'ux_users_email_index' for key 'ux_users_phone_index'", "ux_users_phone_index")]
    [InlineData("Duplicate entry 'x' for key ''", null)]
    [InlineData("Duplicate entry 'x'", null)]
    public void DuplicateKeyNameIsTheLastQuotedKeyWithoutTablePrefix(string message, string? key)
    {
        DuplicateKeyMessage.FindKey(message).ShouldBe(key);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("Database=accounts;User ID=accounts")]
    [InlineData("Server=127.0.0.1;User ID=accounts")]
    [InlineData("Server=127.0.0.1;Database=accounts;No Such Keyword=1")]
    public void CreateProviderRefusesUnusableConnectionString(string connectionString)
    {
        Should.Throw<ArgumentException>(() => MySqlStorage.CreateProvider(connectionString));
    }

    [Fact]
    public void AddMySqlStorageRefusesUnusableConnectionStringAtRegistration()
    {
        Should.Throw<ArgumentException>(() => new ServiceCollection().AddMySqlStorage("Server=127.0.0.1;Password=secret-1"))
            .Message.ShouldNotContain("secret-1");
    }

    [Fact]
    public void MigrationScriptsHoldNoQuestionMark()
    {
        // MySql.Data takes one for a parameter, even inside a comment, and the script fails at its first run.
        var scripts = MigrationScript.LoadEmbedded(typeof(MySqlStorage).Assembly, "Accounts.Storage.MySql.Migrations.");

        scripts.ShouldAllBe(script => !script.Sql.Contains('?'));
    }

    [Fact]
    public void FailureTextHasTheInnerMessagesAndNeverThePassword()
    {
        var failure = new InvalidOperationException("Unable to connect (secret-2)", new IOException("Connection refused"));

        var text = FailureText.Describe(failure, "secret-2");

        text.ShouldBe("Unable to connect (***) -> Connection refused");
    }
}
