using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Api;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Providers.Routing;
using RechargePortal.Tests.Features.Recharges;
using RechargePortal.Tests.Providers;
using RechargePortal.Tests.TestSupport;
using Xunit.Abstractions;

namespace RechargePortal.Tests.Data;

/// <summary>
/// Two real app processes on one PostgreSQL database (shared Hangfire storage), a loopback ECARE fake that logs every
/// call, concurrent API clients placing recharges on both, and one instance killed while the fake holds some of its
/// sends. The survivor settles everything: each recharge once, with the right money, no reference sent twice, and no
/// recharge asked about by two workers at once.
/// </summary>
public sealed partial class MultiInstanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Recharges = 48;
    private const int Clients = 6;
    private static readonly Money Opening = Money.FromTaka(10_000);
    private static readonly CommissionRateValue Rate = new(250);

    private readonly string databasePath = PortalAppFactory.NewDatabasePath();
    private readonly List<AppProcess> processes = [];
    private readonly string certificatePath = Path.Combine(Path.GetTempPath(), $"rp-cluster-{Guid.NewGuid():N}.pfx");
    private PortalAppFactory? setup;
    private EcareFake? fake;
    private bool failed = true;

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Two_instances_one_killed_mid_flight_settle_every_recharge_once_with_the_right_money()
    {
        Skip.If(PortalAppFactory.NeedsPostgres is not null, PortalAppFactory.NeedsPostgres);
        var clock = Stopwatch.StartNew();
        fake = await EcareFake.StartAsync();

        // The schema, the admin, a reseller on 2.5 % for Grameenphone prepaid, Grameenphone routed to ECARE only, an API key.
        setup = new PortalAppFactory(databasePath, ProviderSettings("portal-setup"));
        var (userId, walletId) = await setup.CreateFundedResellerAsync(Opening);
        var admin = await setup.AdminActorAsync();
        var commissions = setup.Services.GetRequiredService<CommissionService>();
        var plan = (await commissions.ListAsync()).Single(p => p.IsDefault);
        Assert.True((await commissions.SetRateAsync(admin, plan.Id, MobileOperator.Grameenphone, NumberType.Prepaid, "2.5")).Succeeded);
        Assert.True((await setup.Services.GetRequiredService<RoutingService>().SetRouteAsync(admin, MobileOperator.Grameenphone, ["Ecare"])).Succeeded);
        string email;
        await using (var db = await setup.DbAsync())
        {
            email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
        }

        var reseller = await setup.ActorAsync(email);
        var key = await setup.Services.GetRequiredService<ApiKeyService>().CreateAsync(reseller, new NewApiKeyForm { Name = "Cluster test" });
        Assert.True(key.Result.Succeeded, key.Result.Problem);

        await File.WriteAllBytesAsync(certificatePath, TestCertificate.Localhost.Export(X509ContentType.Pfx, "cluster"));
        var a = AppProcess.Start("a", InstanceSettings("a"));
        var b = AppProcess.Start("b", InstanceSettings("b"));
        processes.AddRange([a, b]);
        await Task.WhenAll(a.ReadyAsync(), b.ReadyAsync());
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: both instances ready");

        // Clients alternate between the instances; a request to a dead instance is repeated at the other under its reference.
        using var toA = Client(a.Address, key.Key!);
        using var toB = Client(b.Address, key.Key!);
        var orders = Enumerable.Range(0, Recharges).Select(i => new Order($"mi-{i:D3}", $"0171{i:D7}", 30 + (i * 7 % 71))).ToList();
        var queue = new ConcurrentQueue<Order>(orders);
        var placedCount = 0;
        var killed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var placements = new ConcurrentBag<Placement>();
        var killer = Task.Run(async () =>
        {
            // Half placed, and the fake holding one of A's sends and one of its status checks: kill A there. Past three quarters
            // placed, a held send will do.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Volatile.Read(ref placedCount) < Recharges / 2 || fake.SubmissionsInFlightFrom("portal-a") == 0
                   || (fake.ChecksInFlightFrom("portal-a") == 0 && Volatile.Read(ref placedCount) < Recharges * 3 / 4))
            {
                if (DateTime.UtcNow > deadline || Volatile.Read(ref placedCount) == Recharges)
                {
                    killed.SetResult(-1);
                    return;
                }

                await Task.Delay(2);
            }

            var at = Stopwatch.GetTimestamp();
            a.Kill();
            killed.SetResult(at);
        });
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var order))
            {
                var atA = int.Parse(order.Reference[3..]) % 2 == 0 && !killed.Task.IsCompleted;
                HttpStatusCode status;
                var retried = false;
                try
                {
                    status = await PlaceAsync(atA ? toA : toB, order);
                }
                catch (HttpRequestException) when (atA)
                {
                    retried = true;
                    status = await PlaceAsync(toB, order);
                }

                placements.Add(new Placement(order, atA ? "a" : "b", retried, status));
                Interlocked.Increment(ref placedCount);
                // About 10 s of placing: status checks run on both instances before the kill.
                await Task.Delay(Random.Shared.Next(800, 1800));
            }
        })));
        await killer;
        var killedAt = await killed.Task;
        Assert.True(killedAt > 0, "Instance A was never caught with a send in flight at the fake: the scenario did not happen.");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: placed {Recharges}; A killed after {placements.Count(p => !p.Retried && p.At == "a")} placements there, "
            + $"{placements.Count(p => p.Retried)} repeated at B; the fake still held {fake.Calls.Count(c => c.Service == "MRC" && c.By == "portal-a" && c.End > killedAt)} sends "
            + $"and {fake.Calls.Count(c => c.Service == "MRCSTATUS" && c.By == "portal-a" && c.End > killedAt)} status checks of A's");
        // A first request is a new recharge; one repeated at B may find the recharge A made before it died.
        Assert.All(placements.Where(p => !p.Retried), p => Assert.Equal(HttpStatusCode.Accepted, p.Status));

        // B alone settles what A left: its scheduled checks, and its sweeper for sends without a reply and recharges never sent.
        var deadline = DateTime.UtcNow.AddMinutes(4);
        List<Recharge> rows;
        while (true)
        {
            await using (var db = await setup.DbAsync())
            {
                rows = await db.Set<Recharge>().AsNoTracking().Include(r => r.Attempts).Where(r => r.ResellerId == userId).ToListAsync();
            }

            if (rows.Count == Recharges && rows.All(r => r.IsFinal))
            {
                break;
            }

            Assert.True(b.IsRunning, "Instance B stopped.");
            Assert.True(DateTime.UtcNow < deadline, "Not every recharge ended within 4 minutes of the kill: "
                + string.Join("; ", rows.Where(r => !r.IsFinal).Select(r => $"{r.ClientReference} {r.Status} ({r.StatusReason}; checks {r.ChecksDone}, next {r.NextCheckAtUtc:HH:mm:ss}, claim {r.CheckClaimedBy})")));
            await Task.Delay(1000);
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: all final: {rows.Count(r => r.Status == RechargeStatus.Succeeded)} succeeded, "
            + $"{rows.Count(r => r.Status == RechargeStatus.Failed)} failed ({string.Join(", ", rows.Where(r => r.Status == RechargeStatus.Failed).GroupBy(r => r.ResellerNote).Select(g => $"{g.Count()} '{g.Key}'"))})");

        // One recharge per client reference, each ended once, each sent once under its own upstream reference.
        Assert.Equal(orders.Select(o => o.Reference).Order(), rows.Select(r => r.ClientReference).Order());
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { RechargeStatus.Succeeded, RechargeStatus.Failed }));
        var calls = fake.Calls.ToList();
        var submitted = calls.Where(c => c.Service == "MRC").GroupBy(c => c.Refid).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(submitted, s => Assert.True(s.Value == 1, $"Upstream reference {s.Key} reached the vendor {s.Value} times."));
        var references = rows.SelectMany(r => r.Attempts).Select(a => a.UpstreamReference).ToList();
        Assert.Equal(references.Count, references.Distinct().Count());
        Assert.All(submitted.Keys, refid => Assert.Contains(refid, references));

        // Delivered exactly when the vendor received it and says it succeeded; everything else refunded.
        foreach (var r in rows)
        {
            var delivered = r.Attempts.Any(a => submitted.ContainsKey(a.UpstreamReference) && EcareFake.Succeeds(a.UpstreamReference));
            Assert.True(delivered == (r.Status == RechargeStatus.Succeeded),
                $"{r.ClientReference} is {r.Status} ({r.StatusReason}) but the vendor {(delivered ? "delivered" : "did not deliver")} it.");
        }

        // No recharge was asked about by two workers at once (the claims), on one instance or across both.
        var overlaps = calls.Where(c => c.Service == "MRCSTATUS").GroupBy(c => c.Refid)
            .SelectMany(asks => asks.OrderBy(c => c.Start).Zip(asks.OrderBy(c => c.Start).Skip(1)))
            .Where(pair => pair.Second.Start < pair.First.End)
            .Select(pair => $"{pair.First.Refid} by {pair.First.By} and by {pair.Second.By}")
            .ToList();
        Assert.True(overlaps.Count == 0, $"{overlaps.Count} status checks overlapped another of the same recharge: {string.Join("; ", overlaps.Take(5))}");

        // The money: one hold each; a refund for each failure; the commission once for each success; the balance adds up.
        await using (var db = await setup.DbAsync())
        {
            var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.WalletId == walletId && e.RechargeId != null).ToListAsync();
            foreach (var r in rows)
            {
                var own = entries.Where(e => e.RechargeId == r.Id).ToList();
                Assert.Equal(-r.AmountPoisha, Assert.Single(own, e => e.Kind == LedgerKind.RechargeHold).AmountPoisha);
                if (r.Status == RechargeStatus.Succeeded)
                {
                    Assert.DoesNotContain(own, e => e.Kind == LedgerKind.RechargeRefund);
                    Assert.Equal(CommissionCalculator.AtRate(new Money(r.AmountPoisha), Rate).Poisha, Assert.Single(own, e => e.Kind == LedgerKind.Commission).AmountPoisha);
                }
                else
                {
                    Assert.Equal(r.AmountPoisha, Assert.Single(own, e => e.Kind == LedgerKind.RechargeRefund).AmountPoisha);
                    Assert.DoesNotContain(own, e => e.Kind == LedgerKind.Commission);
                }
            }

            var succeeded = rows.Where(r => r.Status == RechargeStatus.Succeeded).Select(r => new Money(r.AmountPoisha)).ToList();
            var expected = Opening.Poisha - succeeded.Sum(m => m.Poisha) + succeeded.Sum(m => CommissionCalculator.AtRate(m, Rate).Poisha);
            Assert.Equal(expected, await db.Wallets.Where(w => w.Id == walletId).Select(w => w.BalancePoisha).SingleAsync());
            Assert.Empty(await db.Set<RechargeContradiction>().ToListAsync());
        }

        await setup.AssertLedgerConsistentAsync(walletId);

        // The scenario happened: a send of A's that the vendor received had no reply recorded (A died holding it), and B
        // finished recharges that A had sent by asking the vendor.
        Assert.Contains(rows, r => r.Attempts.Any(a => a.Outcome == AttemptOutcome.Unknown && submitted.ContainsKey(a.UpstreamReference)));
        Assert.Contains(calls, c => c.Service == "MRCSTATUS" && c.By == "portal-b" && c.Start > killedAt
            && calls.Any(s => s.Service == "MRC" && s.By == "portal-a" && s.Refid == c.Refid));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {calls.Count(c => c.Service == "MRC")} sends, {calls.Count(c => c.Service == "MRCSTATUS")} status checks "
            + $"({calls.Count(c => c.Service == "MRCSTATUS" && c.By == "portal-b" && c.Start > killedAt)} by B after the kill)");
        failed = false;
    }

    private static async Task<HttpStatusCode> PlaceAsync(HttpClient client, Order order)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/recharges", new { reference = order.Reference, number = order.Number, amount = order.Amount });
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK,
            $"{order.Reference}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    }

    private static HttpClient Client(Uri address, string key)
    {
        var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = TestCertificate.Validation } })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>ECARE at the fake (its access id names the instance), short timeouts, no query retries; a frequent sweep.</summary>
    private Dictionary<string, string?> ProviderSettings(string accessId) => new()
    {
        ["Providers:Ecare:Url"] = fake!.BaseUrl + AdapterTestBase.EcarePath,
        ["Providers:Ecare:AccessId"] = accessId,
        ["Providers:Ecare:AccessPass"] = AdapterTestBase.EcarePass,
        ["Providers:Ecare:TimeoutSeconds"] = "5",
        ["Providers:Ecare:QueryRetries"] = "0",
        // The sweeper every 2 s: it keeps racing the scheduled checks (on either instance) for the same recharges.
        ["Recharge:SweepCron"] = "*/2 * * * * *",
    };

    /// <summary>What the setup host has (the same database, admin and key-ring key), as a deployed instance reads it, with its Hangfire server on.</summary>
    private Dictionary<string, string?> InstanceSettings(string instance)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = null,
            ["DOTNET_gcServer"] = "0",
            ["Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:Portal"] = PortalAppFactory.PostgresConnectionFor(databasePath),
            ["Security:KeyRingKeyFile"] = databasePath + ".keyring-key",
            ["Security:RequireAdminTwoFactor"] = "false",
            ["Seed:AdminEmail"] = PortalAppFactory.AdminEmail,
            ["Seed:AdminPassword"] = PortalAppFactory.AdminPassword,
            ["Portal:InstanceId"] = instance,
            ["Jobs:ServerEnabled"] = "true",
            // Flexi stays the built-in sandbox (off Grameenphone's route); Production refuses it unless allowed.
            ["Providers:AllowSandbox"] = "true",
            ["Recharge:NotFoundGraceMinutes"] = "2",
            ["Recharge:CheckBackoffSeconds:0"] = "2",
            ["Recharge:CheckBackoffSeconds:1"] = "3",
            ["Recharge:CheckBackoffSeconds:2"] = "5",
            ["Kestrel:Certificates:Default:Path"] = certificatePath,
            ["Kestrel:Certificates:Default:Password"] = "cluster",
        };
        foreach (var (name, value) in ProviderSettings($"portal-{instance}"))
        {
            settings[name] = value;
        }

        return settings;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            process.Kill();
            if (failed)
            {
                output.WriteLine($"---- instance {process.Name}: last lines of {process.LogPath} ----");
                output.WriteLine(process.Tail(80));
            }

            process.Dispose();
            if (!failed)
            {
                File.Delete(process.LogPath);
            }
        }

        if (setup is not null)
        {
            await setup.DisposeAsync();
        }

        if (fake is not null)
        {
            await fake.DisposeAsync();
        }

        if (PortalAppFactory.OnPostgres)
        {
            PortalAppFactory.DeleteDatabase(databasePath);
        }

        File.Delete(certificatePath);
    }

    private sealed record Order(string Reference, string Number, int Amount);

    private sealed record Placement(Order Order, string At, bool Retried, HttpStatusCode Status);

    /// <summary>One call the fake answered: which service, which reference, which instance (its access id), and when (Stopwatch ticks).</summary>
    private sealed record Call(string Service, string Refid, string By, long Start, long End);

    /// <summary>
    /// ECARE on loopback, with latency: a send is held 150–400 ms, then RECEIVED (DUPLICATE for a reference seen before);
    /// a status query is held 200–500 ms and answers PROCESSING for the first one or two asks of a reference, then SUCCESS or
    /// FAILED as a hash of the reference decides, and INVALIDREF for a reference it never received.
    /// </summary>
    private sealed class EcareFake : IAsyncDisposable
    {
        private readonly FakeUpstream upstream;
        private readonly ConcurrentDictionary<string, string> received = new();
        private readonly ConcurrentDictionary<string, int> asks = new();
        private readonly ConcurrentDictionary<string, int> inFlight = new();

        private EcareFake(FakeUpstream upstream) => this.upstream = upstream;

        public ConcurrentQueue<Call> Calls { get; } = new();

        public string BaseUrl => upstream.BaseUrl;

        public static async Task<EcareFake> StartAsync()
        {
            var fake = new EcareFake(await FakeUpstream.StartAsync());
            fake.upstream.Answer(fake.HandleAsync);
            return fake;
        }

        /// <summary>A stable third of the references fail at the operator.</summary>
        public static bool Succeeds(string refid) => SHA256.HashData(Encoding.UTF8.GetBytes(refid))[0] % 3 != 0;

        private static int PendingAsks(string refid) => 1 + SHA256.HashData(Encoding.UTF8.GetBytes(refid))[1] % 2;

        public int SubmissionsInFlightFrom(string accessId) => inFlight.GetValueOrDefault("MRC " + accessId);

        public int ChecksInFlightFrom(string accessId) => inFlight.GetValueOrDefault("MRCSTATUS " + accessId);

        private async Task HandleAsync(HttpContext context)
        {
            var start = Stopwatch.GetTimestamp();
            var service = context.Request.Query["service"].ToString();
            var refid = context.Request.Query["refid"].ToString();
            var by = context.Request.Query["access_id"].ToString();
            string body;
            switch (service)
            {
                case "MRC":
                    var first = received.TryAdd(refid, by);
                    await HoldAsync(service, by, 150, 400);

                    body = first
                        ? $$"""{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","OPERATOR":"7","NUMBER":"{{context.Request.Query["number"]}}","AMOUNT":"{{context.Request.Query["amount"]}}","TRXID":"T{{refid}}","MESSAGE":"Your Mobile Recharge Request Received."}"""
                        : """{"STATUS":"FAILED","RECHARGE_STATUS":"DUPLICATE","MESSAGE":"Duplicate Reference or Duplicate Recharge Request"}""";
                    break;
                case "MRCSTATUS":
                    var known = received.ContainsKey(refid);
                    var ask = asks.AddOrUpdate(refid, 1, (_, n) => n + 1);
                    await HoldAsync(service, by, 200, 500);
                    body = !known ? PipelineHarness.EcareInvalidRef
                        : ask <= PendingAsks(refid) ? PipelineHarness.EcarePending
                        : Succeeds(refid) ? $$"""{"STATUS":"OK","RECHARGE_STATUS":"SUCCESS","RECHARGE_TRXID":"R{{refid}}","MESSAGE":"Recharge SUCCESS."}"""
                        : PipelineHarness.EcareFailed;
                    break;
                default:
                    body = """{"STATUS":"INVALID","MESSAGE":"INVALID SERVICE"}""";
                    break;
            }

            try
            {
                context.Response.ContentType = "text/html; charset=UTF-8";
                await context.Response.WriteAsync(body);
                await context.Response.Body.FlushAsync();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The asking instance was killed while this was held.
            }
            finally
            {
                if (service is "MRC" or "MRCSTATUS")
                {
                    Calls.Enqueue(new Call(service, refid, by, start, Stopwatch.GetTimestamp()));
                }
            }
        }

        private async Task HoldAsync(string service, string by, int minMilliseconds, int maxMilliseconds)
        {
            var key = $"{service} {by}";
            inFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
            try
            {
                await Task.Delay(Random.Shared.Next(minMilliseconds, maxMilliseconds));
            }
            finally
            {
                inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
            }
        }

        public ValueTask DisposeAsync() => upstream.DisposeAsync();
    }

    /// <summary>The real app as its own process (<c>dotnet RechargePortal.dll</c>), configured by environment, its output in a file.</summary>
    private sealed partial class AppProcess : IDisposable
    {
        private readonly Process process;
        private readonly StreamWriter log;
        private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly object gate = new();

        private AppProcess(string name, Process process, string logPath, StreamWriter log)
        {
            Name = name;
            this.process = process;
            LogPath = logPath;
            this.log = log;
        }

        public string Name { get; }

        public string LogPath { get; }

        public Uri Address => listening.Task.Result;

        public bool IsRunning => !process.HasExited;

        public static AppProcess Start(string name, IReadOnlyDictionary<string, string?> settings)
        {
            var start = new ProcessStartInfo(DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "RechargePortal.dll"), "--urls", "https://127.0.0.1:0"])
            {
                // appsettings.json is copied beside the app's dll here: the content root.
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var (key, value) in settings)
            {
                var variable = key.Replace(":", "__", StringComparison.Ordinal);
                if (value is null)
                {
                    start.Environment.Remove(variable);
                }
                else
                {
                    start.Environment[variable] = value;
                }
            }

            var logPath = Path.Combine(Path.GetTempPath(), $"rp-cluster-{name}-{Guid.NewGuid():N}.log");
            var app = new AppProcess(name, new Process { StartInfo = start }, logPath, new StreamWriter(logPath) { AutoFlush = true });
            app.process.OutputDataReceived += (_, e) => app.Write(e.Data);
            app.process.ErrorDataReceived += (_, e) => app.Write(e.Data);
            app.process.Start();
            app.process.BeginOutputReadLine();
            app.process.BeginErrorReadLine();
            return app;
        }

        private static string DotnetHost() =>
            Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : "dotnet";

        private void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                log.WriteLine(line);
            }

            if (ListeningOn().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["address"].Value));
            }
        }

        /// <summary>Waits until it listens and <c>/health/ready</c> says 200 (migrations checked, jobs storage answering).</summary>
        public async Task ReadyAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90));
            using var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = TestCertificate.Validation } })
            {
                BaseAddress = address,
                Timeout = TimeSpan.FromSeconds(10),
            };
            while (true)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"Instance {Name} exited ({process.ExitCode}):\n{Tail(40)}");
                }

                try
                {
                    if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }

                Assert.True(DateTime.UtcNow < deadline, $"Instance {Name} was not ready in 90 s:\n{Tail(40)}");
                await Task.Delay(200);
            }
        }

        public void Kill()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Never started or already gone.
            }
        }

        public string Tail(int lines)
        {
            lock (gate)
            {
                log.Flush();
                using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
            }
        }

        public void Dispose()
        {
            process.Dispose();
            lock (gate)
            {
                log.Dispose();
            }
        }

        [GeneratedRegex(@"Now listening on: (?<address>https://\S+)")]
        private static partial Regex ListeningOn();
    }
}
