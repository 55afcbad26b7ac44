using RechargePortal.Features.Demo;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Demo;

/// <summary>
/// The benchmarks as an operator runs them, tiny: each one runs to its summary and cleans up after itself. No timing is
/// asserted (the machine's load decides that); the figures are the README's.
/// </summary>
public sealed class BenchmarkCommandsTests : IDisposable
{
    private readonly string database = PortalAppFactory.NewDatabasePath();

    public void Dispose() => PortalAppFactory.DeleteDatabase(database);

    [Fact]
    public async Task Bench_pipeline_places_through_the_API_polls_until_final_and_prints_its_table()
    {
        var (exitCode, output, error) = await DemoCommandsTests.RunAsync("Development", DemoCommands.BenchPipeline,
            "--database", database, "--clients", "2", "--recharges", "6", "--upstream-latency-ms", "5");

        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        Assert.Contains("Recharges placed (202)", output);
        Assert.Contains("Hold transactions/s (database ceiling)", output);
        Assert.Contains("Summary: 1 instance on SQLite, 6 recharges", output);
    }

    [SkippableFact]
    public async Task Bench_pipeline_spreads_its_clients_over_two_instances_on_one_PostgreSQL_database()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);

        var (exitCode, output, error) = await DemoCommandsTests.RunAsync("Development", DemoCommands.BenchPipeline,
            "--postgres", PortalAppFactory.PostgresConnectionFor(database), "--instances", "2", "--clients", "2", "--recharges", "6", "--upstream-latency-ms", "5");

        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        Assert.Contains("Instance 2 (process ", output);
        Assert.Contains("Summary: 2 instances on PostgreSQL, 6 recharges", output);
        // The database is named by server and name, never by its connection string (credentials).
        Assert.Contains("database PostgreSQL 127.0.0.1:", output);
        Assert.DoesNotContain("Username=", output, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("--instances", "2")]
    [InlineData("--instances", "0")]
    public async Task Several_instances_without_PostgreSQL_are_refused_before_anything_runs(string option, string value)
    {
        var (exitCode, _, error) = await DemoCommandsTests.RunAsync("Development", DemoCommands.BenchPipeline, "--database", database, option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(value == "0" ? "--instances must be 1 to 8" : "several instances share one PostgreSQL database", error);
        Assert.False(File.Exists(database));
    }

    [Fact]
    public async Task Bench_backlog_settles_every_recharge_in_flight_asking_none_twice_at_once()
    {
        var (exitCode, output, error) = await DemoCommandsTests.RunAsync("Development", DemoCommands.BenchBacklog,
            "--database", database, "--recharges", "20", "--upstream-latency-ms", "5");

        Assert.True(exitCode == 0, $"exit {exitCode}: {output}{error}");
        Assert.Contains("Summary: 20 of 20 in flight final", output);
        Assert.Contains(", 0 asked twice at once", output);
    }

    [SkippableFact]
    public async Task Bench_circuits_opens_pages_in_Chromium_and_sees_a_burst_reach_them()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Skip.IfNot(File.Exists(chromium), $"No Chromium at {chromium}.");

        var (exitCode, output, error) = await DemoCommandsTests.RunAsync("Development", DemoCommands.BenchCircuits,
            "--database", database, "--circuits", "2");

        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        Assert.Contains("Managed heap per idle circuit", output);
        Assert.Contains("Summary: 2 circuits", output);
    }

    [Fact]
    public async Task A_benchmark_without_a_database_uses_a_temporary_one_and_deletes_it()
    {
        var before = Directory.GetFiles(Path.GetTempPath(), DemoCommands.TemporaryDatabasePrefix + "*").ToHashSet();

        var (exitCode, _, error) = await DemoCommandsTests.RunAsync("Development", DemoCommands.BenchBacklog, "--recharges", "5", "--upstream-latency-ms", "1");

        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        Assert.DoesNotContain(Directory.GetFiles(Path.GetTempPath(), DemoCommands.TemporaryDatabasePrefix + "*"), f => !before.Contains(f));
    }
}
