using System.Diagnostics;
using RechargePortal.Features.Demo;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Demo;

/// <summary>The demo commands as an operator runs them: the real program in a process of its own.</summary>
public sealed class DemoCommandsTests : IDisposable
{
    private readonly string database = PortalAppFactory.NewDatabasePath();

    public void Dispose() => PortalAppFactory.DeleteDatabase(database);

    [Theory]
    [InlineData(DemoCommands.SeedDemo)]
    [InlineData(DemoCommands.BenchReports)]
    [InlineData(DemoCommands.BenchPipeline)]
    public async Task A_demo_command_refuses_to_run_in_Production_says_why_and_touches_no_database(string command)
    {
        var (exitCode, _, error) = await RunAsync("Production", command, "--database", database, "--recharges", "20");

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"{command} refuses to run in the Production environment", error);
        Assert.False(File.Exists(database), "The refused command created the database.");
    }

    [Fact]
    public async Task Seed_demo_runs_outside_Production()
    {
        var (exitCode, output, error) = await RunAsync("Development", DemoCommands.SeedDemo, "--database", database, "--recharges", "20", "--resellers", "2", "--days", "2");

        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        Assert.Contains("Resellers        2", output);
        Assert.True(File.Exists(database));
    }

    internal static async Task<(int ExitCode, string Output, string Error)> RunAsync(string environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(typeof(Program).Assembly.Location)!,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
