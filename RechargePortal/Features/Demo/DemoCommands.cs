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
    public const string BenchPipeline = "bench-pipeline";
    public const string BenchBacklog = "bench-backlog";
    public const string BenchCircuits = "bench-circuits";

    /// <summary>The benchmarks that serve the app on loopback with <see cref="BenchUpstream"/> as its ECARE vendor.</summary>
    private static readonly string[] ServedBenchmarks = [BenchPipeline, BenchBacklog, BenchCircuits];

    private const string Usage = """
        Usage:
          dotnet run --project RechargePortal -- seed-demo [--recharges N] [--resellers N] [--days N] [--database PATH] [--seed N]
              Adds demo resellers (password Demo-Reseller-1234), their deposits and N recharges (default 10000)
              over the last --days Bangladesh days (default 90) to the database. Run again: another batch.
          dotnet run -c Release --project RechargePortal -- bench-reports [--recharges N] [--database PATH] [--runs N] [--seed N]
              Times the reports on a database of at least N recharges (default 1000000; seeds the rest first).
          dotnet run -c Release --project RechargePortal -- bench-pipeline [--clients N] [--recharges N] [--rate N] [--upstream-latency-ms N] [--status-delay-ms N] [--database PATH | --postgres CONNECTION [--instances N]]
              N API clients (default 8) place --recharges (default 2000) through POST /api/v1/recharges, at most --rate a second
              (default: as fast as answered), and poll until final; then the database's own hold-transaction rate.
              --instances: on PostgreSQL, N portal instances (default 1; the others as child processes on the same
              database and Hangfire storage), the clients spread over them.
          dotnet run -c Release --project RechargePortal -- bench-backlog [--recharges N] [--upstream-latency-ms N] [--database PATH]
              Starts the app with N recharges (default 10000) in flight and times until all are final.
          dotnet run -c Release --project RechargePortal -- bench-circuits [--circuits N] [--database PATH]
              Opens N Blazor circuits (default 50) in headless Chromium (/usr/bin/chromium or CHROMIUM_PATH) as resellers:
              server memory per circuit, and how long a burst of completions takes to reach every open page.
        --database: an SQLite file to use instead of the configured connection string (created if missing).
        --postgres: a PostgreSQL connection string instead (bench-pipeline, bench-backlog): a database of its own, kept afterwards.
              The bench-pipeline, -backlog and -circuits default to a new file in the temp folder, deleted afterwards.
        --upstream-latency-ms: the fake ECARE vendor's latency per call (default 50); --status-delay-ms: how long after a
              submission arrives the vendor reports it final (default 0).
        """;

    public static string RefusedInProduction(string command) =>
        $"{command} refuses to run in the Production environment: it adds demo resellers with a published password " +
        "and made-up money to the database. Run it against a development or demo database (ASPNETCORE_ENVIRONMENT=Development).";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is SeedDemo or BenchReports or BenchPipeline or BenchBacklog or BenchCircuits;

    private static bool IsServedBenchmark(string command) => ServedBenchmarks.Contains(command);

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

        var options = Parse(args, out _);
        var database = options?.Database;
        if (options is null || !IsServedBenchmark(options.Command))
        {
            return database is null ? [] : [$"--ConnectionStrings:{DataRegistration.ConnectionStringName}=Data Source={database}"];
        }

        // A benchmark's own database (unless named), Kestrel on a free loopback port, the fake vendor as the one ECARE account
        // (as many calls at once as the checks make), and the abuse limits out of the way of a load that is the point.
        string[] store = options.Postgres is { } postgres
            ? [$"--{DatabaseOptions.Section}:Provider={DatabaseProvider.PostgreSql}", $"--ConnectionStrings:{DataRegistration.ConnectionStringName}={postgres}"]
            : [$"--ConnectionStrings:{DataRegistration.ConnectionStringName}=Data Source={database ?? Path.Combine(Path.GetTempPath(), $"{TemporaryDatabasePrefix}{Guid.NewGuid():N}.db")}"];
        var upstream = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{BenchUpstream.FreePort()}{BenchUpstream.Path}");
        return
        [
            .. store,
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            $"--Providers:Ecare:Url={upstream}",
            "--Providers:Ecare:AccessId=bench",
            "--Providers:Ecare:AccessPass=bench",
            "--Providers:Ecare:MaxConcurrentCalls=64",
            "--Api:RequestsPerSecond=10000",
            "--Api:Burst=100000",
            "--RateLimits:RechargesPerResellerPerMinute=100000",
            "--RateLimits:FailedRechargesPerResellerPerDay=1000000",
            "--Recharge:DailyCountLimit=1000000",
            "--Recharge:DailyAmountLimit=1000000000",
        ];
    }

    /// <summary>
    /// The arguments of another portal instance serving what this benchmark serves (same database, vendor and limits),
    /// read back from this app's configuration, on its own port and with its own instance id.
    /// </summary>
    internal static string[] InstanceArgs(IConfiguration configuration, int port, string instanceId)
    {
        var keys = new[]
        {
            $"{DatabaseOptions.Section}:Provider", $"ConnectionStrings:{DataRegistration.ConnectionStringName}", "Logging:LogLevel:Default",
            "Providers:Ecare:Url", "Providers:Ecare:AccessId", "Providers:Ecare:AccessPass", "Providers:Ecare:MaxConcurrentCalls",
            "Api:RequestsPerSecond", "Api:Burst", "RateLimits:RechargesPerResellerPerMinute", "RateLimits:FailedRechargesPerResellerPerDay",
            "Recharge:DailyCountLimit", "Recharge:DailyAmountLimit",
        };
        return
        [
            .. keys.Where(k => configuration[k] is not null).Select(k => $"--{k}={configuration[k]}"),
            string.Create(CultureInfo.InvariantCulture, $"--urls=http://127.0.0.1:{port}"),
            $"--Portal:InstanceId={instanceId}",
        ];
    }

    /// <summary>A benchmark's database when none is named: in the temp folder, deleted when it ends.</summary>
    public const string TemporaryDatabasePrefix = "rechargeportal-bench-";

    /// <summary>
    /// True (with the exit code set) when the command named by the first argument must not run: its options are wrong,
    /// or this is Production. Called before the database is initialized, so a refused command touches none.
    /// </summary>
    public static async Task<bool> RefuseCommandAsync(this WebApplication app, string[] args)
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

        return false;
    }

    /// <summary>Runs the command named by the first argument (after <see cref="RefuseCommandAsync"/>); false when there is none (serve the web app).</summary>
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        if (!IsCommand(args) || Parse(args, out _) is not { } options)
        {
            return false;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        try
        {
            if (options.Command == SeedDemo)
            {
                await SeedAsync(app.Services, options, stop.Token);
            }
            else if (IsServedBenchmark(options.Command))
            {
                await RunServedBenchmarkAsync(app, options, stop.Token);
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

    /// <summary>Starts the fake vendor where <see cref="HostArgs"/> pointed the ECARE account, runs the benchmark (which starts the app), stops both.</summary>
    private static async Task RunServedBenchmarkAsync(WebApplication app, CommandOptions options, CancellationToken ct)
    {
        var database = DatabaseName(app.Services);
        var port = new Uri(app.Configuration["Providers:Ecare:Url"]!).Port;
        var latency = TimeSpan.FromMilliseconds(options.UpstreamLatencyMs ?? 50);
        try
        {
            await using (var upstream = await BenchUpstream.StartAsync(port, latency, TimeSpan.FromMilliseconds(options.StatusDelayMs ?? 0)))
            {
                try
                {
                    switch (options.Command)
                    {
                        case BenchPipeline:
                            await ActivatorUtilities.CreateInstance<PipelineBenchmark>(app.Services).RunAsync(app, upstream,
                                new PipelineBenchmarkOptions(options.Clients ?? 8, options.Recharges ?? 2_000, options.Rate, TimeSpan.FromSeconds(1), options.Instances ?? 1),
                                Console.Out, ct);
                            break;
                        case BenchBacklog:
                            await ActivatorUtilities.CreateInstance<BacklogBenchmark>(app.Services).RunAsync(app, upstream, options.Recharges ?? 10_000, Console.Out, ct);
                            break;
                        default:
                            await ActivatorUtilities.CreateInstance<CircuitBenchmark>(app.Services).RunAsync(app, upstream, options.Circuits ?? 50, Console.Out, ct);
                            break;
                    }
                }
                finally
                {
                    await app.StopAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            if (Path.GetFileName(database).StartsWith(TemporaryDatabasePrefix, StringComparison.Ordinal))
            {
                SqliteConnection.ClearAllPools();
                foreach (var file in new[] { database, database + "-wal", database + "-shm", database + ".keyring-key" })
                {
                    File.Delete(file);
                }
            }
        }
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

    /// <summary>The SQLite file, or the PostgreSQL server and database (never the credentials).</summary>
    internal static string DatabaseName(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        if (db.Database.IsNpgsql())
        {
            var postgres = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
            return string.Create(CultureInfo.InvariantCulture, $"PostgreSQL {postgres.Host}:{postgres.Port}/{postgres.Database}");
        }

        return new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
    }

    internal sealed record CommandOptions(string Command, int? Recharges, int? Resellers, int? Days, int? Seed, int? Runs, string? Database)
    {
        public int? Clients { get; init; }
        public int? Rate { get; init; }
        public int? UpstreamLatencyMs { get; init; }
        public int? StatusDelayMs { get; init; }
        public int? Circuits { get; init; }
        public string? Postgres { get; init; }
        public int? Instances { get; init; }
    }

    /// <summary>The command's options; null with a message on an unknown option or a bad number.</summary>
    internal static CommandOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var command = args[0];
        var allowed = command switch
        {
            SeedDemo => new[] { "--recharges", "--resellers", "--days", "--database", "--seed" },
            BenchPipeline => ["--clients", "--recharges", "--rate", "--upstream-latency-ms", "--status-delay-ms", "--database", "--postgres", "--instances"],
            BenchBacklog => ["--recharges", "--upstream-latency-ms", "--database", "--postgres"],
            BenchCircuits => ["--circuits", "--database"],
            _ => ["--recharges", "--database", "--runs", "--seed"],
        };
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
            values.TryGetValue("--database", out var path) ? Path.GetFullPath(path) : null)
        {
            Clients = Number("--clients"),
            Rate = Number("--rate"),
            UpstreamLatencyMs = Number("--upstream-latency-ms"),
            StatusDelayMs = Number("--status-delay-ms"),
            Circuits = Number("--circuits"),
            Postgres = values.GetValueOrDefault("--postgres"),
            Instances = Number("--instances"),
        };
        if (options.Postgres is not null && options.Database is not null)
        {
            problem ??= $"{command}: --database (SQLite) and --postgres name two databases: give one.";
        }

        if (options.Instances is < 1 or > 8)
        {
            problem ??= $"{command}: --instances must be 1 to 8.";
        }
        else if (options.Instances > 1 && options.Postgres is null)
        {
            problem ??= $"{command}: several instances share one PostgreSQL database (--postgres); an SQLite file serves one instance.";
        }

        if (IsServedBenchmark(command) && new[] { options.Clients, options.Rate, options.Circuits, options.Recharges }.Any(n => n is < 1))
        {
            problem ??= $"{command}: --clients, --rate, --circuits and --recharges must be at least 1.";
        }

        if (new[] { options.UpstreamLatencyMs, options.StatusDelayMs }.Any(n => n is < 0))
        {
            problem ??= $"{command}: --upstream-latency-ms and --status-delay-ms cannot be negative.";
        }

        error = problem;
        return problem is null ? options : null;
    }
}
