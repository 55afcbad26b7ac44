using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using RechargePortal.Data;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;

namespace RechargePortal.Features.Demo;

/// <summary>
/// What the database did while a benchmark ran, from EF Core's diagnostic events: time spent in commands and in
/// beginning and committing transactions (a writer waiting for SQLite's write lock waits in <c>BEGIN IMMEDIATE</c>),
/// and how many statements met another writer's lock and waited for it (<see cref="SqliteBusyWait"/> counts them).
/// </summary>
public sealed class DbMeter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly List<IDisposable> subscriptions = [];
    private long commands;
    private long commandTicks;
    private long transactionTicks;
    private readonly long waitsAtStart = SqliteBusyWait.Waits;

    public DbMeter() => subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

    public long Commands => Interlocked.Read(ref commands);

    /// <summary>Commands, plus beginning and committing transactions (waiting for the write lock included).</summary>
    public TimeSpan DatabaseTime => TimeSpan.FromTicks(Interlocked.Read(ref commandTicks) + Interlocked.Read(ref transactionTicks));

    /// <summary>Of <see cref="DatabaseTime"/>: in BEGIN and COMMIT.</summary>
    public TimeSpan TransactionTime => TimeSpan.FromTicks(Interlocked.Read(ref transactionTicks));

    /// <summary>Statements that met another writer's lock and waited in SQLite's busy handler.</summary>
    public long LockWaits => SqliteBusyWait.Waits - waitsAtStart;

    public Snapshot Take() => new(Commands, DatabaseTime, TransactionTime, LockWaits);

    public readonly record struct Snapshot(long Commands, TimeSpan DatabaseTime, TimeSpan TransactionTime, long LockWaits)
    {
        public Snapshot Since(Snapshot start) =>
            new(Commands - start.Commands, DatabaseTime - start.DatabaseTime, TransactionTime - start.TransactionTime, LockWaits - start.LockWaits);
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (subscriptions)
            {
                subscriptions.Add(listener.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        switch (e.Value)
        {
            case CommandExecutedEventData executed:
                Interlocked.Increment(ref commands);
                Interlocked.Add(ref commandTicks, executed.Duration.Ticks);
                break;
            case CommandErrorEventData failed:
                Interlocked.Increment(ref commands);
                Interlocked.Add(ref commandTicks, failed.Duration.Ticks);
                break;
            case TransactionEndEventData ended when e.Key == RelationalEventId.TransactionStarted.Name || e.Key == RelationalEventId.TransactionCommitted.Name:
                Interlocked.Add(ref transactionTicks, ended.Duration.Ticks);
                break;
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (subscriptions)
        {
            subscriptions.ForEach(s => s.Dispose());
        }
    }
}

/// <summary>Shared by the pipeline, backlog and circuit benchmarks: resellers with money, figures, the machine's load.</summary>
internal static class Bench
{
    public static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Demo resellers (password <see cref="DemoSeeder.ResellerPassword"/>, no recharges) made by the demo seeder, each given <paramref name="deposit"/>.</summary>
    public static async Task<IReadOnlyList<(DemoReseller Reseller, Actor Actor)>> ResellersAsync(
        IServiceProvider services, int count, Money deposit, TextWriter output, CancellationToken ct)
    {
        var seeded = await ActivatorUtilities.CreateInstance<DemoSeeder>(services).ResellersOnlyAsync(count, ct);
        var dbs = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var result = new List<(DemoReseller, Actor)>();
        foreach (var reseller in seeded)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // A deposit as the ledger takes any: the balance and its entry in one transaction.
            await db.Wallets.Where(w => w.Id == reseller.WalletId)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.BalancePoisha, w => w.BalancePoisha + deposit.Poisha), ct);
            var balance = await db.Wallets.Where(w => w.Id == reseller.WalletId).Select(w => w.BalancePoisha).SingleAsync(ct);
            db.LedgerEntries.Add(LedgerEntry.Create(reseller.WalletId, LedgerKind.Deposit, deposit, new Money(balance), now, null, "benchmark",
                "Benchmark deposit", reference: "BENCH-" + reseller.WalletId.ToString(C)));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            var stamp = await db.Users.Where(u => u.Id == reseller.UserId).Select(u => u.SecurityStamp).SingleAsync(ct);
            result.Add((reseller, new Actor(reseller.UserId, reseller.Email, stamp)));
        }

        output.WriteLine(string.Create(C, $"{count} demo resellers ({result[0].Item1.Email} ...), each given a deposit of {deposit}."));
        return result;
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string Machine() =>
        string.Create(C, $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");

    public static string Mb(long bytes) => string.Create(C, $"{bytes / 1048576.0:N1} MB");

    public static void Table(TextWriter output, IReadOnlyList<(string Figure, string Value, string Note)> rows)
    {
        var width = rows.Max(r => r.Figure.Length);
        var valueWidth = rows.Max(r => r.Value.Length);
        output.WriteLine($"{"Figure".PadRight(width)}  {"Measured".PadLeft(valueWidth)}  Note");
        output.WriteLine(new string('-', width + valueWidth + 30));
        foreach (var (figure, value, note) in rows)
        {
            output.WriteLine($"{figure.PadRight(width)}  {value.PadLeft(valueWidth)}  {note}");
        }
    }

    public static async Task<T> ScalarAsync<T>(IDbContextFactory<PortalDbContext> dbs, string sql, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(ct))!, typeof(T), C);
    }
}

/// <summary>
/// More portal instances for a benchmark: child processes of this very app (same executable, content root and
/// environment) serving the same database, vendor and limits (<see cref="DemoCommands.InstanceArgs"/>), each on a free
/// loopback port; started when <c>/health/ready</c> answers, killed when disposed (what they left in flight is the
/// database's, as after any crash).
/// </summary>
public sealed class ChildInstances : IAsyncDisposable
{
    private readonly List<Process> processes = [];

    public List<string> Urls { get; } = [];

    public static async Task<ChildInstances> StartAsync(WebApplication app, int count, TextWriter output, CancellationToken ct)
    {
        var children = new ChildInstances();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var port = BenchUpstream.FreePort();
                var host = Environment.ProcessPath ?? "dotnet";
                var start = new ProcessStartInfo(host)
                {
                    WorkingDirectory = app.Environment.ContentRootPath,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                if (Path.GetFileNameWithoutExtension(host) == "dotnet")
                {
                    start.ArgumentList.Add(typeof(Program).Assembly.Location);
                }

                foreach (var arg in DemoCommands.InstanceArgs(app.Configuration, port, $"bench-{i + 2}"))
                {
                    start.ArgumentList.Add(arg);
                }

                start.ArgumentList.Add($"--contentRoot={app.Environment.ContentRootPath}");
                start.Environment["ASPNETCORE_ENVIRONMENT"] = app.Environment.EnvironmentName;
                var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start another portal instance.");
                children.processes.Add(process);
                // Read (and drop) what it prints, so a full pipe never blocks it; its errors are shown.
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, e) =>
                {
                    if (!string.IsNullOrWhiteSpace(e.Data))
                    {
                        Console.Error.WriteLine($"[instance {i + 2}] {e.Data}");
                    }
                };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
                await WaitReadyAsync(url, process, ct);
                children.Urls.Add(url);
                output.WriteLine($"Instance {i + 2} (process {process.Id}) ready at {url}.");
            }

            return children;
        }
        catch
        {
            await children.DisposeAsync();
            throw;
        }
    }

    private static async Task WaitReadyAsync(string url, Process process, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The instance at {url} exited with code {process.ExitCode} while starting.");
            }

            try
            {
                using var ready = await http.GetAsync("/health/ready", ct);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250, ct);
        }

        throw new TimeoutException($"The instance at {url} was not ready within 2 minutes.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }
    }
}
