using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Providers;

namespace RechargePortal.Features.Demo;

/// <summary>
/// <c>bench-reports</c>: times <see cref="ReportService"/> on a large database (the first call of each
/// query, then the median of warm runs), shows SQLite's plan for each query it sends, and streams
/// the CSV export of 10 % and 100 % of the rows while sampling memory, to show it does not grow.
/// </summary>
public sealed class ReportBenchmark(ReportService reports, IDbContextFactory<PortalDbContext> dbs, IServiceProvider services)
{
    /// <summary>The issue's goal for a page, its totals and a month's summary.</summary>
    public static readonly TimeSpan Goal = TimeSpan.FromMilliseconds(500);

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public async Task RunAsync(int recharges, int runs, int? seed, TextWriter output, CancellationToken ct)
    {
        runs = Math.Clamp(runs, 1, 50);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var connectionString = db.Database.GetConnectionString()!;
        var existing = await ScalarAsync<long>(connectionString, "SELECT COUNT(*) FROM Recharges", ct);
        if (existing < recharges)
        {
            output.WriteLine(string.Create(C, $"The database has {existing:N0} recharges; seeding {recharges - existing:N0} more (50 resellers over 90 days)..."));
            var result = await ActivatorUtilities.CreateInstance<DemoSeeder>(services)
                .SeedAsync(new DemoSeedOptions { Recharges = (int)(recharges - existing), Seed = seed }, output.WriteLine, ct);
            output.WriteLine(string.Create(C, $"Seeded {result.Recharges:N0} recharges and {result.LedgerEntries:N0} ledger entries in {result.Elapsed.TotalSeconds:N1} s."));
        }

        var total = await ScalarAsync<long>(connectionString, "SELECT COUNT(*) FROM Recharges", ct);
        var firstDay = DateOnly.ParseExact(await ScalarAsync<string>(connectionString, "SELECT MIN(BusinessDay) FROM Recharges", ct), "yyyy-MM-dd", C);
        var lastDay = DateOnly.ParseExact(await ScalarAsync<string>(connectionString, "SELECT MAX(BusinessDay) FROM Recharges", ct), "yyyy-MM-dd", C);
        var (monthFrom, monthTo) = LatestFullMonth(firstDay, lastDay);
        var month = ReportFilter.ForDays(monthFrom, monthTo);
        var inMonth = await reports.TotalsForSystemAsync(month, ct);
        var busiest = await ScalarAsync<string>(connectionString,
            $"SELECT ResellerId FROM Recharges WHERE BusinessDay BETWEEN '{monthFrom:yyyy-MM-dd}' AND '{monthTo:yyyy-MM-dd}' GROUP BY ResellerId ORDER BY COUNT(*) DESC LIMIT 1", ct);
        var someNumber = await ScalarAsync<string>(connectionString,
            $"SELECT Number FROM Recharges WHERE BusinessDay = '{monthTo:yyyy-MM-dd}' ORDER BY Id LIMIT 1", ct);
        var resellerLabel = await ScalarAsync<string>(connectionString, $"SELECT Email FROM AspNetUsers WHERE Id = '{busiest}'", ct);

        output.WriteLine();
        output.WriteLine(string.Create(C, $"Database {DemoCommands.DatabaseName(services)}: {total:N0} recharges, {firstDay:yyyy-MM-dd} to {lastDay:yyyy-MM-dd}; {new FileInfo(new SqliteConnectionStringBuilder(connectionString).DataSource).Length / 1048576.0:N0} MB."));
        var sqliteVersion = await ScalarAsync<string>(connectionString, "SELECT sqlite_version()", ct);
        output.WriteLine(string.Create(C, $"Month: {monthFrom:yyyy-MM-dd} to {monthTo:yyyy-MM-dd} ({inMonth.Count:N0} recharges). Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite {sqliteVersion}."));
        output.WriteLine(string.Create(C, $"Each figure: the first call in this process (cold: EF compiles the query), then the median (min-max) of {runs} warm calls."));
        output.WriteLine(string.Create(C, $"Load average when starting: {LoadAverage()} (other work on the machine stretches the wall-clock figures)."));
        output.WriteLine();

        var cases = new List<(string Name, ReportFilter Filter)>
        {
            ("month", month),
            ("month + Grameenphone", With(month, f => f.Operator = MobileOperator.Grameenphone)),
            ($"month + reseller ({resellerLabel})", With(month, f => f.ResellerId = busiest)),
            ("month + Failed (refunded)", With(month, f => f.Status = "Failed (refunded)")),
            ($"month + number {someNumber}", With(month, f => f.Number = someNumber)),
            ("month + number digits 4567", With(month, f => f.Number = "4567")),
        };

        var rows = new List<Timing>();
        using var capture = new SqlCapture();
        var plans = new List<(string Name, IReadOnlyList<CapturedCommand> Commands)>();
        foreach (var (name, filter) in cases)
        {
            rows.Add(await TimeAsync($"Page 1 (25, newest first): {name}", runs, async () => (await reports.TransactionsForSystemAsync(filter, TransactionSort.Time, true, 0, 25, ct)).Count, ct));
            rows.Add(await TimeAsync($"Totals: {name}", runs, async () => (await reports.TotalsForSystemAsync(filter, ct)).Count, ct));
            if (name is "month + Grameenphone" || name.StartsWith("month + number 0", StringComparison.Ordinal))
            {
                plans.Add(($"Page 1: {name}", await capture.CaptureAsync(() => reports.TransactionsForSystemAsync(filter, TransactionSort.Time, true, 0, 25, ct))));
                plans.Add(($"Totals: {name}", await capture.CaptureAsync(() => reports.TotalsForSystemAsync(filter, ct))));
            }
        }

        rows.Add(await TimeAsync("Summary: month (by day, operator, provider, reseller)", runs, async () => (await reports.SummaryForSystemAsync(month, ct)).Overall.Count, ct));
        rows.Add(await TimeAsync("Reconciliation: month", runs, async () => (await reports.ReconciliationForSystemAsync(monthFrom, monthTo, ct)).Count, ct));
        plans.Add(("Summary: month", await capture.CaptureAsync(() => reports.SummaryForSystemAsync(month, ct))));
        plans.Add(("Reconciliation: month", await capture.CaptureAsync(() => reports.ReconciliationForSystemAsync(monthFrom, monthTo, ct))));

        PrintTimings(rows, output);
        output.WriteLine();
        output.WriteLine("CSV export (TransactionsCsv.WriteAsync(reports.StreamForSystemAsync(filter), Stream.Null)), memory sampled every 10,000 rows:");
        var widest = ReportFilter.ForDays(lastDay.AddDays(1 - ReportFilter.MaxDays) > firstDay ? lastDay.AddDays(1 - ReportFilter.MaxDays) : firstDay, lastDay);
        var tenthFrom = await DayForShareAsync(connectionString, total / 10, ct);
        // Not reported: the first export pays for JIT and first-time allocations, whatever its size.
        await ExportAsync(ReportFilter.ForDays(lastDay, lastDay), ct);
        output.WriteLine("  Rows        Range                      Seconds   Rows/s    Managed heap peak (above start)  Working set peak   GCs (0/1/2)");
        foreach (var filter in new[] { ReportFilter.ForDays(tenthFrom, lastDay), widest })
        {
            var export = await ExportAsync(filter, ct);
            output.WriteLine(string.Create(C,
                $"  {export.Rows,-11:N0} {filter.From:yyyy-MM-dd} to {filter.To:yyyy-MM-dd}   {export.Elapsed.TotalSeconds,7:N1}   {export.Rows / export.Elapsed.TotalSeconds,7:N0}   {Mb(export.PeakManaged),7} ({Mb(export.PeakManaged - export.StartManaged),7})          {Mb(export.PeakWorkingSet),8}         {export.Gen0}/{export.Gen1}/{export.Gen2}"));
        }

        output.WriteLine();
        output.WriteLine("SQLite query plans (EXPLAIN QUERY PLAN of the SQL EF Core sent):");
        foreach (var (name, commands) in plans)
        {
            foreach (var command in commands)
            {
                output.WriteLine();
                output.WriteLine($"-- {name}");
                output.WriteLine(Indent(command.Sql));
                foreach (var line in await ExplainAsync(connectionString, command, ct))
                {
                    output.WriteLine("   " + line);
                }
            }
        }
    }

    private static ReportFilter With(ReportFilter filter, Action<ReportFilter> change)
    {
        var copy = filter.Copy();
        change(copy);
        return copy;
    }

    /// <summary>The most recent calendar month wholly inside the data; else its last 30 days.</summary>
    private static (DateOnly From, DateOnly To) LatestFullMonth(DateOnly first, DateOnly last)
    {
        var start = new DateOnly(last.Year, last.Month, 1);
        for (var i = 0; i < 2; i++)
        {
            var end = start.AddMonths(1).AddDays(-1);
            if (start >= first && end <= last)
            {
                return (start, end);
            }

            start = start.AddMonths(-1);
        }

        return (last.AddDays(-29) > first ? last.AddDays(-29) : first, last);
    }

    private sealed record Timing(string Name, int Result, double ColdMs, double MedianMs, double MinMs, double MaxMs);

    private static async Task<Timing> TimeAsync(string name, int runs, Func<Task<int>> call, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var result = await call();
        var cold = watch.Elapsed.TotalMilliseconds;
        var warm = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            ct.ThrowIfCancellationRequested();
            watch.Restart();
            await call();
            warm.Add(watch.Elapsed.TotalMilliseconds);
        }

        warm.Sort();
        var median = warm.Count % 2 == 1 ? warm[warm.Count / 2] : (warm[warm.Count / 2 - 1] + warm[warm.Count / 2]) / 2;
        return new Timing(name, result, cold, median, warm[0], warm[^1]);
    }

    private static void PrintTimings(IReadOnlyList<Timing> rows, TextWriter output)
    {
        var width = Math.Max(rows.Max(r => r.Name.Length), 10);
        output.WriteLine($"{"Query".PadRight(width)}  {"Result",10}  {"Cold ms",8}  {"Warm median ms",14}  {"(min-max)",15}  Goal < 500 ms");
        output.WriteLine(new string('-', width + 70));
        foreach (var r in rows)
        {
            var goal = r.Name.StartsWith("Reconciliation", StringComparison.Ordinal) ? "" : r.MedianMs < Goal.TotalMilliseconds ? "ok" : "MISSED";
            output.WriteLine(string.Create(C,
                $"{r.Name.PadRight(width)}  {r.Result,10:N0}  {r.ColdMs,8:N1}  {r.MedianMs,14:N1}  {$"({r.MinMs:N1}-{r.MaxMs:N1})",15}  {goal}"));
        }
    }

    private sealed record Export(long Rows, TimeSpan Elapsed, long StartManaged, long PeakManaged, long PeakWorkingSet, int Gen0, int Gen1, int Gen2);

    private async Task<Export> ExportAsync(ReportFilter filter, CancellationToken ct)
    {
        var start = GC.GetTotalMemory(forceFullCollection: true);
        var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var process = Process.GetCurrentProcess();
        var meter = new Meter(start, process);
        var watch = Stopwatch.StartNew();
        await TransactionsCsv.WriteAsync(meter.Count(reports.StreamForSystemAsync(filter, ct), ct), Stream.Null, ct);
        watch.Stop();
        meter.Sample();
        return new Export(meter.Rows, watch.Elapsed, start, meter.PeakManaged, meter.PeakWorkingSet,
            GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2);
    }

    /// <summary>Counts the rows going through and samples memory every 10,000.</summary>
    private sealed class Meter(long start, Process process)
    {
        public long Rows { get; private set; }
        public long PeakManaged { get; private set; } = start;
        public long PeakWorkingSet { get; private set; }

        public async IAsyncEnumerable<TransactionRow> Count(IAsyncEnumerable<TransactionRow> rows, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var row in rows.WithCancellation(ct))
            {
                if (++Rows % 10_000 == 0)
                {
                    Sample();
                }

                yield return row;
            }
        }

        public void Sample()
        {
            PeakManaged = Math.Max(PeakManaged, GC.GetTotalMemory(forceFullCollection: false));
            process.Refresh();
            PeakWorkingSet = Math.Max(PeakWorkingSet, process.WorkingSet64);
        }
    }

    /// <summary>The first day of the latest days that together hold about <paramref name="rows"/> recharges.</summary>
    private static async Task<DateOnly> DayForShareAsync(string connectionString, long rows, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT BusinessDay, COUNT(*) FROM Recharges GROUP BY BusinessDay ORDER BY BusinessDay DESC";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sum = 0L;
        var day = default(DateOnly);
        while (await reader.ReadAsync(ct) && sum < rows)
        {
            day = DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", C);
            sum += reader.GetInt64(1);
        }

        return day;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Mb(long bytes) => string.Create(C, $"{bytes / 1048576.0:N1} MB");

    private static string Indent(string sql) => string.Join(Environment.NewLine, sql.Split('\n').Select(l => "   " + l.TrimEnd('\r')));

    private static async Task<IReadOnlyList<string>> ExplainAsync(string connectionString, CapturedCommand captured, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + captured.Sql;
        foreach (var (name, value) in captured.Parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var depth = new Dictionary<long, int> { [0] = 0 };
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var level = depth.GetValueOrDefault(reader.GetInt64(1)) + 1;
            depth[reader.GetInt64(0)] = level;
            lines.Add(new string(' ', 2 * (level - 1)) + reader.GetString(3));
        }

        return lines;
    }

    internal sealed record CapturedCommand(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

    /// <summary>Collects the SQL EF Core sends while a call runs, from its diagnostic events.</summary>
    private sealed class SqlCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> subscriptions = [];
        private readonly List<CapturedCommand> commands = [];
        private volatile bool capturing;

        public SqlCapture() => subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

        public async Task<IReadOnlyList<CapturedCommand>> CaptureAsync(Func<Task> call)
        {
            lock (commands)
            {
                commands.Clear();
            }

            capturing = true;
            try
            {
                await call();
            }
            finally
            {
                capturing = false;
            }

            lock (commands)
            {
                return commands.ToList();
            }
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
            if (capturing && e.Key == RelationalEventId.CommandExecuting.Name && e.Value is CommandEventData data)
            {
                var parameters = data.Command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList();
                lock (commands)
                {
                    commands.Add(new CapturedCommand(data.Command.CommandText, parameters));
                }
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
}
