using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Jobs;

/// <summary>Background jobs, section <c>Jobs</c>.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Run the Hangfire server in this process. Tests switch it off and call jobs directly.</summary>
    public bool ServerEnabled { get; set; } = true;

    /// <summary>Hangfire worker threads.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 4;

    /// <summary>When the ledger audit re-adds every wallet's entries; default 03:30 Bangladesh time (21:30 UTC).</summary>
    public string LedgerAuditCron { get; set; } = "30 21 * * *";
}
