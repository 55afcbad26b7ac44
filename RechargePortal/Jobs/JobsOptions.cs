using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Jobs;

/// <summary>Where Hangfire keeps its jobs, <c>Jobs:Storage</c>.</summary>
public enum JobStorageKind
{
    /// <summary>In the process: lost on restart (the database, not Hangfire, holds what must survive), one instance.</summary>
    InMemory,

    /// <summary>In the portal's PostgreSQL database (schema <c>hangfire</c>): survives restarts, shared by every instance.</summary>
    PostgreSql,
}

/// <summary>Background jobs, section <c>Jobs</c>.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Run the Hangfire server in this process. Tests switch it off and call jobs directly.</summary>
    public bool ServerEnabled { get; set; } = true;

    /// <summary>Where jobs are kept; empty: follows <c>Database:Provider</c> (PostgreSql there, InMemory on SQLite). See <see cref="JobsRegistration.StorageOf"/>.</summary>
    public JobStorageKind? Storage { get; set; }

    /// <summary>Hangfire worker threads.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 4;

    /// <summary>When the ledger audit re-adds every wallet's entries; default 03:30 Bangladesh time (21:30 UTC).</summary>
    public string LedgerAuditCron { get; set; } = "30 21 * * *";
}
