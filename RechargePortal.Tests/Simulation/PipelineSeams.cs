using RechargePortal.Features.Recharges;

namespace RechargePortal.Tests.Simulation;

/// <summary>What an admin's resolve did.</summary>
internal sealed record AdminResolve(bool Applied, string? Error);

/// <summary>
/// The three pipeline changes in progress elsewhere, each reduced to ONE place here so that
/// switching the simulation over takes minutes. Until they land, the checker files the violations
/// they are meant to prevent in their own buckets instead of failing the run on them.
/// </summary>
internal static class PipelineSeams
{
    // ---- (a) A record of "a provider's later answer contradicts a final state" ----

    /// <summary>SWITCH (a): true once <c>RechargeContradiction</c> exists and <see cref="IsFlaggedContradictionAsync"/> reads it.</summary>
    public static bool ContradictionsRecorded => false;

    /// <summary>
    /// SWITCH (a): <c>await using var db = await host.App.DbAsync();
    /// return await db.Set&lt;RechargeContradiction&gt;().AnyAsync(c =&gt; c.RechargeId == rechargeId);</c>
    /// </summary>
    public static Task<bool> IsFlaggedContradictionAsync(SimHost host, long rechargeId) => Task.FromResult(false);

    // ---- (b) One late status check for final recharges of the last 24 h ----

    /// <summary>SWITCH (b): call the <see cref="RechargeProcessor"/> method that gives final recharges their late check. A no-op until it exists.</summary>
    public static Task LateCheckAsync(SimHost host) => Task.CompletedTask;

    // ---- (c) Admin resolves through ReviewQueueService, whose "mark failed" asks the provider first ----

    /// <summary>SWITCH (c): true once <see cref="ResolveAsync"/> goes through <c>ReviewQueueService</c>.</summary>
    public static bool ResolveVerifiesWithProvider => false;

    /// <summary>
    /// SWITCH (c): the admin's decision on a recharge in review, with a note. Today
    /// <see cref="RechargeService.ResolveAsync"/>; then <c>ReviewQueueService</c>'s mark successful /
    /// mark failed (no override: the simulated admin never forces it).
    /// </summary>
    public static async Task<AdminResolve> ResolveAsync(SimHost host, long rechargeId, bool successful, string note)
    {
        var result = await host.Recharges.ResolveAsync(host.Admin, rechargeId, successful, note);
        return new AdminResolve(result.Succeeded, result.Error);
    }
}
