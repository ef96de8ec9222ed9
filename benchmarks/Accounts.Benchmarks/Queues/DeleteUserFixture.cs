using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Accounts.Benchmarks.Storage;
using Accounts.Core.Services;
using Accounts.Core.Users;
using Accounts.Security;
using MySql.Data.MySqlClient;

namespace Accounts.Benchmarks.Queues;

/// <summary>
/// What the Delete_User test deletes, made before any clock starts, on the MariaDB server of
/// <c>ACCOUNTS_TEST_MARIADB</c>: the same accounts twice over, once as Accounts stores them (a database of
/// Accounts' schema, migrated, rows written through <c>Accounts.Storage</c>'s MySQL provider with the server's own
/// keys, as a <c>Create_User</c> job would leave them) and once as the original system stored them (a database
/// with its <c>Users</c> table). Both databases are dropped on dispose.
/// </summary>
internal sealed class DeleteUserFixture : IAsyncDisposable
{
    public const string Password = "queue benchmark passphrase";

    private readonly string _admin;
    private readonly string _nodeDatabase;
    private readonly MySqlConnection _status;
    private readonly string _idPrefix;

    private DeleteUserFixture(BenchmarkDatabase accounts, string admin, string nodeDatabase, MySqlConnection status, string idPrefix, KeysOptions keys)
    {
        Accounts = accounts;
        _admin = admin;
        _nodeDatabase = nodeDatabase;
        _status = status;
        _idPrefix = idPrefix;
        Keys = keys;
    }

    /// <summary>Accounts' database (the server's <c>ConnectionStrings:Accounts</c>), with the engine's version, durability settings and pid.</summary>
    public BenchmarkDatabase Accounts { get; }

    /// <summary>The keys the server is given (required on MariaDB); the rows' phone ciphertexts and indexes are made with them.</summary>
    public KeysOptions Keys { get; }

    public string NodeDatabase => _nodeDatabase;

    /// <summary>
    /// Creates both databases with <paramref name="count"/> accounts each, ids <c>qb-&lt;run&gt;-000001</c>, ...,
    /// the same ids on both sides.
    /// </summary>
    public static async Task<DeleteUserFixture> CreateAsync(string admin, string runTag, int count, CancellationToken cancellationToken)
    {
        var accounts = await BenchmarkDatabase.CreateAsync("mariadb", cancellationToken);
        var nodeDatabase = BenchmarkDatabase.NewName() + "_node";
        MySqlConnection? status = null;
        try
        {
            await BenchmarkDatabase.ExecuteMariaDbAsync(admin, $"CREATE DATABASE `{nodeDatabase}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", cancellationToken);
            status = new MySqlConnection(new MySqlConnectionStringBuilder(admin) { Pooling = false, CharacterSet = "utf8mb4" }.ConnectionString);
            await status.OpenAsync(cancellationToken);
            await ExecuteAsync(status, "SET NAMES utf8mb4", cancellationToken);
            var fixture = new DeleteUserFixture(accounts, admin, nodeDatabase, status, $"qb-{runTag}-", NewKeys());
            await fixture.CreateAccountsRowsAsync(count, cancellationToken);
            await fixture.CreateNodeRowsAsync(count, cancellationToken);
            return fixture;
        }
        catch
        {
            if (status is not null)
            {
                await status.DisposeAsync();
            }

            await BenchmarkDatabase.ExecuteMariaDbAsync(admin, $"DROP DATABASE IF EXISTS `{nodeDatabase}`", CancellationToken.None);
            await accounts.DisposeAsync();
            throw;
        }
    }

    /// <summary>The account id of the <paramref name="index"/>th account (from 0).</summary>
    public string IdAt(int index) => _idPrefix + (index + 1).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>What the server needs to reach this database and read its rows: engine, connection string, keys.</summary>
    public Dictionary<string, string> ServerSettings() => new(StringComparer.Ordinal)
    {
        ["Accounts__Storage__Provider"] = "mysql",
        ["ConnectionStrings__Accounts"] = Accounts.ConnectionString!,
        ["Accounts__Keys__Signing__0__Id"] = Keys.Signing[0].Id!,
        ["Accounts__Keys__Signing__0__PrivateKeyPem"] = Keys.Signing[0].PrivateKeyPem!,
        ["Accounts__Keys__Encryption__0__Id"] = Keys.Encryption[0].Id!,
        ["Accounts__Keys__Encryption__0__Key"] = Keys.Encryption[0].Key!,
        ["Accounts__Keys__IndexKey"] = Keys.IndexKey!,
    };

    /// <summary>mysql2's connection options for the original's database.</summary>
    public JsonObject NodeConnection()
    {
        var builder = new MySqlConnectionStringBuilder(_admin);
        return new JsonObject
        {
            ["host"] = builder.Server,
            ["port"] = (int)builder.Port,
            ["user"] = builder.UserID,
            ["password"] = builder.Password,
            ["database"] = _nodeDatabase,
        };
    }

    public async Task<long> CountAccountsRowsAsync(CancellationToken cancellationToken) =>
        await ScalarAsync($"SELECT COUNT(*) FROM `{DatabaseName(Accounts.ConnectionString!)}`.users WHERE id LIKE '{_idPrefix}%'", cancellationToken);

    public async Task<long> CountNodeRowsAsync(CancellationToken cancellationToken) =>
        await ScalarAsync($"SELECT COUNT(*) FROM `{_nodeDatabase}`.Users", cancellationToken);

    /// <summary>MariaDB's <c>Questions</c>: statements the server has run for its clients (this one included).</summary>
    public async Task<long> QuestionsAsync(CancellationToken cancellationToken)
    {
        await using var command = _status.CreateCommand();
        command.CommandText = "SHOW GLOBAL STATUS LIKE 'Questions'";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? long.Parse(reader.GetString(1), CultureInfo.InvariantCulture) : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _status.DisposeAsync();
        MySqlConnection.ClearAllPools();
        try
        {
            await BenchmarkDatabase.ExecuteMariaDbAsync(_admin, $"DROP DATABASE IF EXISTS `{_nodeDatabase}`", CancellationToken.None);
        }
        finally
        {
            await Accounts.DisposeAsync();
        }
    }

    /// <summary>A complete set of fresh keys in the form <c>Accounts:Keys</c> takes them.</summary>
    private static KeysOptions NewKeys()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new KeysOptions
        {
            Signing = [new SigningKeyOptions { Id = "qbench-sig", PrivateKeyPem = ecdsa.ExportPkcs8PrivateKeyPem() }],
            Encryption = [new EncryptionKeyOptions { Id = "qbench-enc", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }],
            IndexKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
    }

    /// <summary>
    /// Accounts' rows, as a Create_User job writes them: the username derived from the id, a display name, the phone
    /// encrypted and blind-indexed with the server's keys, one Argon2id hash at today's costs (made once: hashing
    /// thousands would take minutes and is not what is measured), no image.
    /// </summary>
    private async Task CreateAccountsRowsAsync(int count, CancellationToken cancellationToken)
    {
        var protector = new AesGcmFieldProtector(KeyRing.Load(Keys, Path.GetTempPath(), out _));
        var costs = new PasswordHashingOptions();
        var hash = Argon2idPasswordHasher.Hash(Password, costs.MemoryKiB, costs.Iterations);
        var users = Accounts.Storage.Users;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                var id = IdAt(index);
                var phone = Phone(index);
                var now = DateTimeOffset.UtcNow;
                var username = Username.ForId(id);
                var result = await users.CreateAsync(
                    new UserRecord
                    {
                        Id = id,
                        Username = username,
                        NormalizedUsername = Username.Normalize(username),
                        DisplayName = "Benchmark User",
                        PhoneCipher = protector.Protect(phone),
                        PhoneIndex = protector.Phone(phone),
                        PasswordHash = hash,
                        CreatedAt = now,
                        UpdatedAt = now,
                    },
                    ct);
                if (result != UserWriteResult.Success)
                {
                    throw new InvalidOperationException($"Creating account {id} answered {result}.");
                }
            });
    }

    /// <summary>
    /// The original's table (<c>Users(Id VARCHAR(100) PK, Phone, Password, Name, Image MEDIUMTEXT)</c>, InnoDB) and
    /// its rows: phone and password as the hex of the original's AES-CFB output (16-byte IV + ciphertext), no image.
    /// </summary>
    private async Task CreateNodeRowsAsync(int count, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(_admin) { Database = _nodeDatabase, Pooling = false, CharacterSet = "utf8mb4" };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "SET NAMES utf8mb4", cancellationToken);
        await ExecuteAsync(
            connection,
            """
            CREATE TABLE Users (
                Id VARCHAR(100) NOT NULL PRIMARY KEY,
                Phone VARCHAR(255) NULL,
                Password VARCHAR(255) NULL,
                Name VARCHAR(100) NULL,
                Image MEDIUMTEXT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
            cancellationToken);

        const int Batch = 500;
        for (var first = 0; first < count; first += Batch)
        {
            await using var command = connection.CreateCommand();
            var rows = new List<string>();
            for (var index = first; index < Math.Min(count, first + Batch); index++)
            {
                var n = index - first;
                rows.Add($"(@i{n}, @p{n}, @w{n}, 'Benchmark User', NULL)");
                command.Parameters.AddWithValue($"@i{n}", IdAt(index));
                command.Parameters.AddWithValue($"@p{n}", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16 + Phone(index).Length)));
                command.Parameters.AddWithValue($"@w{n}", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16 + Password.Length)));
            }

            command.CommandText = "INSERT INTO Users (Id, Phone, Password, Name, Image) VALUES " + string.Join(", ", rows);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string Phone(int index) => "+1555" + index.ToString("D7", CultureInfo.InvariantCulture);

    private static string DatabaseName(string connectionString) => new MySqlConnectionStringBuilder(connectionString).Database;

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _status.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
