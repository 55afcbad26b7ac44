using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace RechargePortal.Tests.Simulation;

/// <summary>
/// Seeded fault simulation of the recharge pipeline (in the spirit of TigerBeetle's VOPR): the
/// real app, real SQLite and a fake clock against two in-process vendors that drop, garble, hang,
/// lie and crash the portal, with sweeps, checks and admins racing; then every invariant of
/// <c>shared/design/recharge-lifecycle.md</c> that money depends on is checked against the
/// vendors' own ledgers. A failure prints the seed, the recharges and how to replay it.
/// See <c>Simulation/README.md</c>.
/// </summary>
public sealed class FaultSimulation(ITestOutputHelper output)
{
    /// <summary>CI: a few fixed seeds, small enough to run on every build.</summary>
    [Theory]
    [InlineData(1, 150)]
    [InlineData(2, 150)]
    [InlineData(3, 150)]
    public async Task Fixed_seed_keeps_every_invariant(int seed, int recharges)
    {
        var result = await FaultSimulationRun.RunAsync(new SimulationOptions { Seed = seed, Recharges = recharges });

        output.WriteLine(result.Text);
        Assert.False(result.Report.Failed, result.Text);
    }

    /// <summary>
    /// Random seeds for as long as asked: <c>SIMULATION_SEEDS</c> (how many), <c>SIMULATION_RECHARGES</c>
    /// (per seed), <c>SIMULATION_MINUTES</c> (stop starting new seeds after), <c>SIMULATION_SEED</c>
    /// (replay one; with SIMULATION_SEEDS, that one and the next ones). Without any: one small random seed.
    /// </summary>
    [Fact]
    public async Task Random_seeds_keep_every_invariant()
    {
        var seed = Env("SIMULATION_SEED");
        var count = Env("SIMULATION_SEEDS");
        var minutes = Env("SIMULATION_MINUTES");
        var recharges = Env("SIMULATION_RECHARGES") ?? 100;
        var without = (Environment.GetEnvironmentVariable("SIMULATION_WITHOUT") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        var deaths = Env("SIMULATION_DEATHS");
        var limit = count ?? (minutes is null ? 1 : int.MaxValue);
        var log = Environment.GetEnvironmentVariable("SIMULATION_LOG") is { Length: > 0 } path
            ? path
            : Path.Combine(Path.GetTempPath(), "fault-simulation.log");
        var clock = Stopwatch.StartNew();
        var failed = new List<int>();
        var ran = 0;
        var placed = 0L;
        void Say(string text)
        {
            output.WriteLine(text);
            File.AppendAllText(log, text + Environment.NewLine);
        }

        Say($"{DateTime.UtcNow:u} fault simulation: {(count is null ? "" : $"{count} seed(s), ")}{recharges} recharges each" +
            $"{(minutes is null ? "" : $", for {minutes} min")}{(seed is null ? "" : $", from seed {seed}")}{(without.Count == 0 ? "" : $", without {string.Join(",", without)}")}; log {log}");
        while (ran < limit && (minutes is null || clock.Elapsed < TimeSpan.FromMinutes(minutes.Value)))
        {
            var next = seed is { } s ? s + ran : Random.Shared.Next(1, int.MaxValue);
            var result = await FaultSimulationRun.RunAsync(new SimulationOptions
            {
                Seed = next,
                Recharges = recharges,
                Without = without,
                MaxStatementDeaths = deaths ?? SimulationOptions.DefaultDeaths,
                MaxCrashes = deaths ?? SimulationOptions.DefaultDeaths,
            });
            ran++;
            placed += recharges;
            if (result.Report.Failed)
            {
                failed.Add(next);
                Say(result.Text);
            }
            else
            {
                Say(result.Text.Split(Environment.NewLine)[0]);
            }
        }

        Say($"{ran} seed(s), {placed} recharges, {clock.Elapsed.TotalMinutes:0.0} min; " +
            (failed.Count == 0 ? "no failures" : $"FAILED seeds: {string.Join(", ", failed)}"));
        Assert.True(ran > 0, "No seed ran.");
        Assert.True(failed.Count == 0, $"Failing seeds: {string.Join(", ", failed)} (details above and in {log}).");
    }

    private static int? Env(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
