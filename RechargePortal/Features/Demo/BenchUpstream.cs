using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RechargePortal.Features.Demo;

/// <summary>
/// The benchmarks' vendor: a real HTTP server on 127.0.0.1 that speaks ECARE (<c>ecare-api.txt</c>) with a fixed
/// latency on every call. A submission is RECEIVED; its status is PROCESSING until <see cref="StatusDelay"/> after it
/// arrived, then SUCCESS (or FAILED for every tenth reference). References it never received but was told about
/// (<see cref="Know"/>, a seeded backlog) are final at once. It logs which references are being asked at the same
/// moment, so a benchmark can show that no recharge was asked twice at once.
/// </summary>
public sealed class BenchUpstream : IAsyncDisposable
{
    public const string Path = "/myportal/api/rechargeapi/recharge_api_thirdparty.php";

    private readonly ConcurrentDictionary<string, long> received = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> numbers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> asking = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> askedTwiceAtOnce = new();
    private readonly WebApplication app;
    private long submissions;
    private long statusQueries;
    private long busiestStatus;
    private long inStatus;

    private BenchUpstream(WebApplication app, int port, TimeSpan latency, TimeSpan statusDelay)
    {
        this.app = app;
        Port = port;
        Latency = latency;
        StatusDelay = statusDelay;
    }

    public int Port { get; }

    public TimeSpan Latency { get; }

    public TimeSpan StatusDelay { get; }

    /// <summary>The ECARE address to configure for the benchmark's provider account.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}{Path}");

    public long Submissions => Interlocked.Read(ref submissions);

    public long StatusQueries => Interlocked.Read(ref statusQueries);

    /// <summary>The most status queries it was answering at one moment.</summary>
    public long BusiestStatus => Interlocked.Read(ref busiestStatus);

    /// <summary>References whose status was asked while an earlier question about the same reference was still open.</summary>
    public IReadOnlyCollection<string> AskedTwiceAtOnce => askedTwiceAtOnce;

    /// <summary>When the first submission for <paramref name="number"/> arrived (a <see cref="Stopwatch"/> timestamp).</summary>
    public long? ReceivedAt(string number) => numbers.TryGetValue(number, out var at) ? at : null;

    /// <summary>A port nobody listens on now (the host's configuration needs the address before the fake starts).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static async Task<BenchUpstream> StartAsync(int port, TimeSpan latency, TimeSpan statusDelay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new BenchUpstream(app, port, latency, statusDelay);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    /// <summary>References sent before the fake started (a seeded backlog): it answers their status as final.</summary>
    public void Know(IEnumerable<string> references)
    {
        foreach (var reference in references)
        {
            received[reference] = 0;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var reference = query["refid"].ToString();
        string body;
        switch (query["service"].ToString())
        {
            case "MRC":
                Interlocked.Increment(ref submissions);
                numbers.TryAdd(query["number"].ToString(), Stopwatch.GetTimestamp());
                await Task.Delay(Latency, context.RequestAborted);
                body = received.TryAdd(reference, Stopwatch.GetTimestamp())
                    ? $$"""{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","OPERATOR":"{{query["operator"]}}","NUMBER":"{{query["number"]}}","AMOUNT":"{{query["amount"]}}","TRXID":"B{{reference}}","MESSAGE":"Your Mobile Recharge Request Received."}"""
                    : """{"STATUS":"FAILED","RECHARGE_STATUS":"DUPLICATE","MESSAGE":"Duplicate Reference or Duplicate Recharge Request"}""";
                break;
            case "MRCSTATUS":
                Interlocked.Increment(ref statusQueries);
                if (!asking.TryAdd(reference, 0))
                {
                    askedTwiceAtOnce.Enqueue(reference);
                }

                var now = Interlocked.Increment(ref inStatus);
                for (var busiest = Interlocked.Read(ref busiestStatus); now > busiest; busiest = Interlocked.Read(ref busiestStatus))
                {
                    if (Interlocked.CompareExchange(ref busiestStatus, now, busiest) == busiest)
                    {
                        break;
                    }
                }

                try
                {
                    await Task.Delay(Latency, context.RequestAborted);
                    body = Status(reference);
                }
                finally
                {
                    Interlocked.Decrement(ref inStatus);
                    asking.TryRemove(reference, out _);
                }

                break;
            case "BLCK":
                await Task.Delay(Latency, context.RequestAborted);
                body = """{"STATUS":"OK","MAIN_BALANCE":"9,999,999.00","STOCK_BALANCE":"0.00","COMMISSION_TYPE":"Prepaid","COMMISSION_RATE":"3.00","MESSAGE":"Balance Equerry Success"}""";
                break;
            default:
                body = """{"STATUS":"OK","MESSAGE":"INVALID SERVICE"}""";
                break;
        }

        context.Response.ContentType = "text/html; charset=UTF-8";
        await context.Response.WriteAsync(body);
    }

    private string Status(string reference)
    {
        if (!received.TryGetValue(reference, out var at))
        {
            return """{"STATUS":"FAILED","RECHARGE_STATUS":"INVALIDREF","MESSAGE":"Sorry! Invalid Reference"}""";
        }

        if (at != 0 && Stopwatch.GetElapsedTime(at) < StatusDelay)
        {
            return """{"STATUS":"OK","RECHARGE_STATUS":"PROCESSING","RECHARGE_TRXID":"","MESSAGE":""}""";
        }

        // Every tenth fails, so refunds are part of the load too.
        return reference.Sum(c => c) % 10 == 0
            ? """{"STATUS":"OK","RECHARGE_STATUS":"FAILED","RECHARGE_TRXID":"","MESSAGE":"Recharge Failed by operator"}"""
            : $$"""{"STATUS":"OK","RECHARGE_STATUS":"SUCCESS","RECHARGE_TRXID":"M{{reference}}","MESSAGE":"Recharge SMS"}""";
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
