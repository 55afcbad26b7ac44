using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RechargePortal.Features.Recharges;

namespace RechargePortal.Tests.Simulation;

/// <summary>What an admin's resolve did.</summary>
internal sealed record AdminResolve(bool Applied, string? Error);

/// <summary>
/// The pipeline's answers to vendors that lie and admins in a hurry, each reduced to one place:
/// contradictions on record, the late status check, and resolves that ask the provider first.
/// </summary>
internal static class PipelineSeams
{
    /// <summary>A provider's later answer that contradicts a final state is recorded (<see cref="RechargeContradiction"/>).</summary>
    public static bool ContradictionsRecorded => true;

    public static async Task<bool> IsFlaggedContradictionAsync(SimHost host, long rechargeId)
    {
        await using var db = await host.App.DbAsync();
        return await db.Set<RechargeContradiction>().AnyAsync(c => c.RechargeId == rechargeId);
    }

    /// <summary>
    /// Moves the clock past <see cref="RechargeProcessor.LateCheckAfter"/> and sweeps until every final
    /// recharge has had its one late status check (the sweeper takes them in batches).
    /// </summary>
    public static async Task LateCheckAsync(SimHost host, FakeTimeProvider clock)
    {
        clock.Advance(RechargeProcessor.LateCheckAfter + TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100 && (await host.Processor.SweepAsync()).LateChecked > 0; i++)
        {
        }
    }

    /// <summary>Resolves go through <see cref="ReviewQueueService"/>, which asks the provider first.</summary>
    public static bool ResolveVerifiesWithProvider => true;

    /// <summary>
    /// The admin's decision on a recharge in review, with a note and without the override: the
    /// simulated admin never decides against the provider's fresh answer.
    /// </summary>
    public static async Task<AdminResolve> ResolveAsync(SimHost host, long rechargeId, bool successful, string note)
    {
        var result = await host.Services.GetRequiredService<ReviewQueueService>().ResolveAsync(host.Admin, rechargeId, successful, note, overrideAnswer: false);
        return new AdminResolve(result.Succeeded, result.Error);
    }
}
