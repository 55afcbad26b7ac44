using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;

namespace RechargePortal.Features.Demo;

/// <summary>
/// <c>seed-demo</c> and <c>bench-reports</c>: run instead of the web server when they are the first
/// argument, on the same services and database (after migrations and the first admin).
/// </summary>
public static class DemoCommands
{
    public const string SeedDemo = "seed-demo";
    public const string BenchReports = "bench-reports";

    private const string Usage = """
        Usage:
          dotnet run --project RechargePortal -- seed-demo [--recharges N] [--resellers N] [--days N] [--database PATH] [--seed N]
              Adds demo resellers (password Demo-Reseller-1234), their deposits and N recharges (default 10000)
              over the last --days Bangladesh days (default 90) to the database. Run again: another batch.
          dotnet run -c Release --project RechargePortal -- bench-reports [--recharges N] [--database PATH] [--runs N] [--seed N]
              Times the reports on a database of at least N recharges (default 1000000; seeds the rest first).
        --database: an SQLite file to use instead of the configured connection string (created if missing).
        """;

    public static string RefusedInProduction(string command) =>
        $"{command} refuses to run in the Production environment: it adds demo resellers with a published password " +
        "and made-up money to the database. Run it against a development or demo database (ASPNETCORE_ENVIRONMENT=Development).";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is SeedDemo or BenchReports;

    /// <summary>
    /// The web host's arguments. A command's options are not configuration keys, so the host gets none
    /// of them, except <c>--database</c>, which becomes the portal's connection string.
    /// </summary>
    public static string[] HostArgs(string[] args)
    {
        if (!IsCommand(args))
        {
            return args;
        }

        var database = Parse(args, out _)?.Database;
        return database is null ? [] : [$"--ConnectionStrings:{DataRegistration.ConnectionStringName}=Data Source={database}"];
    }

    /// <summary>Runs the command named by the first argument; false when there is none (serve the web app).</summary>
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        if (!IsCommand(args))
        {
            return false;
        }

        var options = Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"{error}{Environment.NewLine}{Environment.NewLine}{Usage}");
            Environment.ExitCode = 2;
            return true;
        }

        // Demo accounts share a published password and their money is made up: never in a live database.
        if (app.Environment.IsProduction())
        {
            await Console.Error.WriteLineAsync(RefusedInProduction(options.Command));
            Environment.ExitCode = 1;
            return true;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        await app.InitializeDatabaseAsync();
        try
        {
            if (options.Command == SeedDemo)
            {
                await SeedAsync(app.Services, options, stop.Token);
            }
            else
            {
                var benchmark = ActivatorUtilities.CreateInstance<ReportBenchmark>(app.Services);
                await benchmark.RunAsync(options.Recharges ?? 1_000_000, options.Runs ?? 5, options.Seed, Console.Out, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Stopped. The last open transaction was rolled back; committed batches stay (each one keeps the ledger whole).");
            Environment.ExitCode = 130;
        }

        return true;
    }

    private static async Task SeedAsync(IServiceProvider services, CommandOptions options, CancellationToken ct)
    {
        var seed = new DemoSeedOptions
        {
            Recharges = options.Recharges ?? 10_000,
            Resellers = options.Resellers ?? 50,
            Days = options.Days ?? 90,
            Seed = options.Seed,
        };
        if (seed.Validate() is { Count: > 0 } errors)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, errors));
            Environment.ExitCode = 2;
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeding demo data into {DatabaseName(services)}: {seed.Recharges:N0} recharges, {seed.Resellers:N0} resellers, {seed.Days} days{(seed.Seed is { } s ? $", seed {s}" : "")}."));
        var result = await ActivatorUtilities.CreateInstance<DemoSeeder>(services).SeedAsync(seed, Console.WriteLine, ct);
        PrintSummary(result, Console.Out);
    }

    public static void PrintSummary(DemoSeedResult result, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"Done in {result.Elapsed.TotalSeconds:N1} s."));
        output.WriteLine(string.Create(c, $"  Resellers        {result.Resellers.Count:N0}, password {DemoSeeder.ResellerPassword}"));
        foreach (var r in result.Resellers)
        {
            output.WriteLine(string.Create(c, $"    {r.Email,-26} {r.FullName,-44} {r.Plan}"));
        }

        var statuses = string.Join(", ", result.ByStatus.Where(s => s.Value > 0).OrderByDescending(s => s.Value).Select(s => string.Create(c, $"{s.Key} {s.Value:N0}")));
        output.WriteLine(string.Create(c, $"  Recharges        {result.Recharges:N0} ({statuses})"));
        output.WriteLine(string.Create(c, $"  Ledger entries   {result.LedgerEntries:N0} (of which {result.Deposits:N0} deposits)"));
        output.WriteLine(string.Create(c, $"  Balance readings {result.BalanceReadings:N0} (provider balance history, for the reconciliation report)"));
        output.WriteLine(string.Create(c, $"  Days             {result.FirstDay:yyyy-MM-dd} to {result.LastDay:yyyy-MM-dd} (Bangladesh), up to {Components.Shared.DhakaTime.Format(result.NowUtc)}"));
        if (result.Resellers.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"Sign in as {result.Resellers[0].Email} (or any demo reseller) with {DemoSeeder.ResellerPassword}.");
        }
    }

    internal static string DatabaseName(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        return new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
    }

    internal sealed record CommandOptions(string Command, int? Recharges, int? Resellers, int? Days, int? Seed, int? Runs, string? Database);

    /// <summary>The command's options; null with a message on an unknown option or a bad number.</summary>
    internal static CommandOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var command = args[0];
        var allowed = command == SeedDemo
            ? new[] { "--recharges", "--resellers", "--days", "--database", "--seed" }
            : ["--recharges", "--database", "--runs", "--seed"];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            var inline = name.IndexOf('=', StringComparison.Ordinal);
            string? value = null;
            if (inline > 0)
            {
                value = name[(inline + 1)..];
                name = name[..inline];
            }

            if (!allowed.Contains(name))
            {
                error = $"{command}: unknown option '{args[i]}'.";
                return null;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{command}: {name} needs a value.";
                    return null;
                }

                value = args[++i];
            }

            values[name] = value;
        }

        string? problem = null;
        int? Number(string name)
        {
            if (!values.TryGetValue(name, out var text))
            {
                return null;
            }

            if (int.TryParse(text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            problem ??= $"{command}: {name} must be a whole number, not '{text}'.";
            return null;
        }

        var options = new CommandOptions(
            command, Number("--recharges"), Number("--resellers"), Number("--days"), Number("--seed"), Number("--runs"),
            values.TryGetValue("--database", out var path) ? Path.GetFullPath(path) : null);
        error = problem;
        return problem is null ? options : null;
    }
}
