using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace RechargePortal.Jobs;

/// <summary>
/// Hangfire's storage in the portal's own PostgreSQL database, in a schema of its own (<c>hangfire</c>), so jobs
/// survive a restart and every instance shares one queue. Hangfire's distributed locks (its <c>lock</c> table) are
/// what make a recurring job fire once per schedule across instances and <c>DisableConcurrentExecution</c> hold
/// across them.
/// </summary>
public static class PostgreSqlJobStorage
{
    public const string Schema = "hangfire";

    // Any fixed number: held only while Hangfire's schema is created or upgraded at start.
    private const long SchemaLockKey = 0x48_61_6E_67_66_69_72_65; // "Hangfire"

    /// <summary>How long after it was taken a Hangfire lock counts as abandoned, and another instance may take it.</summary>
    public static readonly TimeSpan LockLapse = TimeSpan.FromMinutes(1);

    /// <summary>Creates or upgrades Hangfire's schema (once, whichever instance starts first), then opens the storage on it.</summary>
    public static JobStorage Create(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            // Done here instead, under a lock: two instances starting together would otherwise both run Hangfire's scripts.
            PrepareSchemaIfNecessary = false,
            // Workers look for new jobs this often (Hangfire's default is 15 s: a recharge's send would wait that long).
            QueuePollInterval = TimeSpan.FromSeconds(1),
            // A lock is a row that only its holder deletes: one left by a killed instance (its schedulers take one every
            // second, the sweeper holds one while it runs) stopped every other instance's scheduled checks or sweeps until it
            // lapsed, 10 minutes by default. Every job here is re-entrant, so a live holder outlasting this costs a repeat, no more.
            DistributedLockTimeout = LockLapse,
        };
        InstallSchema(connectionString);
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    private static void InstallSchema(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({SchemaLockKey})", connection))
        {
            take.ExecuteNonQuery();
        }

        try
        {
            PostgreSqlObjectsInstaller.Install(connection, Schema);
        }
        finally
        {
            using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({SchemaLockKey})", connection);
            release.ExecuteNonQuery();
        }
    }
}
