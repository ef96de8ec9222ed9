using System.Security.Cryptography;
using MySql.Data.MySqlClient;
using Npgsql;

namespace Accounts.Server.Tests;

/// <summary>
/// Which servers the functional tests run the service on, from <c>ACCOUNTS_TEST_STACK</c>: <c>sqlite</c> (the
/// embedded default, when unset), <c>mariadb</c> or <c>postgres</c>, the last two with Redis. ./test.sh runs the
/// suite once per stack. Each application gets a database and a Redis key prefix of its own.
/// </summary>
internal static class TestStack
{
    public static string Name => Environment.GetEnvironmentVariable("ACCOUNTS_TEST_STACK") is { Length: > 0 } name ? name : "sqlite";

    public static bool IsEmbedded => Name == "sqlite";

    /// <summary>Skips the calling test unless the service runs on the embedded default (it inspects its files).</summary>
    public static void RequireEmbedded() =>
        Assert.SkipUnless(IsEmbedded, $"This test inspects the embedded default's files; the stack is {Name}.");

    /// <summary>The settings that put one application on the stack, and how to drop what they created.</summary>
    public static (Dictionary<string, string?> Settings, Func<ValueTask> Drop) Prepare()
    {
        if (IsEmbedded)
        {
            return ([], () => ValueTask.CompletedTask);
        }

        var redis = Require("ACCOUNTS_TEST_REDIS");
        var name = $"accounts_it_{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?>
        {
            ["Accounts:Redis"] = redis,
            ["Accounts:RedisKeyPrefix"] = $"{name}:",
            // Tests run side by side on one Redis: each app's workers must see only its own Bull queues.
            ["Accounts:Queues:Prefix"] = name,
        };

        // Keys from configuration, as the server engines require: every process of a deployment shares them.
        using var signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        settings["Accounts:Keys:Signing:0:Id"] = "sig1";
        settings["Accounts:Keys:Signing:0:PrivateKeyPem"] = signing.ExportPkcs8PrivateKeyPem();
        settings["Accounts:Keys:Encryption:0:Id"] = "enc1";
        settings["Accounts:Keys:Encryption:0:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        settings["Accounts:Keys:IndexKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        switch (Name)
        {
            case "mariadb":
                var mariadb = Require("ACCOUNTS_TEST_MARIADB");
                MariaDb(mariadb, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
                settings["Accounts:Storage:Provider"] = "mysql";
                settings["ConnectionStrings:Accounts"] = new MySqlConnectionStringBuilder(mariadb) { Database = name }.ConnectionString;
                return (settings, () =>
                {
                    MariaDb(mariadb, $"DROP DATABASE IF EXISTS `{name}`");
                    return ValueTask.CompletedTask;
                });

            case "postgres":
                var postgres = Require("ACCOUNTS_TEST_POSTGRES");
                Postgres(postgres, $"CREATE DATABASE \"{name}\"");
                settings["Accounts:Storage:Provider"] = "postgres";
                settings["ConnectionStrings:Accounts"] = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
                return (settings, () =>
                {
                    NpgsqlConnection.ClearAllPools();
                    Postgres(postgres, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    return ValueTask.CompletedTask;
                });

            default:
                throw new InvalidOperationException($"ACCOUNTS_TEST_STACK must be sqlite, mariadb or postgres, not '{Name}'.");
        }
    }

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"ACCOUNTS_TEST_STACK={Name} needs {variable} (./test.sh sets it).");

    private static void MariaDb(string admin, string sql)
    {
        using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(admin) { Pooling = false, CharacterSet = "utf8mb4" }.ConnectionString);
        connection.Open();
        using (var names = new MySqlCommand("SET NAMES utf8mb4", connection))
        {
            names.ExecuteNonQuery();
        }

        using var command = new MySqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static void Postgres(string admin, string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
