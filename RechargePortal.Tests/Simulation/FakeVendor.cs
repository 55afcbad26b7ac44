using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Web;
using Microsoft.Extensions.Time.Testing;

namespace RechargePortal.Tests.Simulation;

internal enum VendorKind
{
    Ecare,
    Flexi,
}

/// <summary>What happens to one submission on its way in.</summary>
internal enum SubmitFault
{
    None,
    Slow,
    DropAfterCommit,
    DropBeforeCommit,
    Http500AfterCommit,
    Http500BeforeCommit,
    GarbageAfterCommit,
    GarbageBeforeCommit,
    HangAfterCommit,
    HangBeforeCommit,
    /// <summary>Times out at the portal, reaches the vendor a little later (within the not-found grace).</summary>
    HangArrivesLate,
    /// <summary>Recorded, but the reply says the reference is a duplicate (the vendor's gateway saw it twice).</summary>
    DuplicateAfterCommit,
    LowBalance,
    Maintenance,
    /// <summary>A plain refusal of this recharge (ECARE FAILED; Flexi an error message): nothing recorded.</summary>
    Refused,
    /// <summary>The portal dies while waiting: the handler never returns.</summary>
    CrashAfterCommit,
    CrashBeforeCommit,
    /// <summary>Recorded and accepted; the portal dies a few statements after the reply (before or after recording it).</summary>
    AcceptedThenPortalDies,
    /// <summary>Refused (low balance: safe elsewhere); the portal dies a few statements later (before or after the next attempt).</summary>
    RefusedThenPortalDies,
}

internal enum StatusFault
{
    None,
    Slow,
    Garbage,
    Http500,
    /// <summary>An error in a status-like shape: ECARE a login failure, Flexi <c>{"status":2,"message":"Not User"}</c>.</summary>
    WrongShape,
    Drop,
    Hang,
}

/// <summary>How a vendor lies about a recharge it processed, for a while.</summary>
internal enum Flip
{
    None,
    /// <summary>Delivered, but reported FAILED for a while, then SUCCESS.</summary>
    FalseFailure,
    /// <summary>Reported SUCCESS (and delivered) for a while, then reversed: FAILED and not delivered.</summary>
    Reversal,
}

/// <summary>What Flexi answers a status query for an id it never recorded (the spec does not say; deployments differ).</summary>
internal enum UnknownIdStyle
{
    /// <summary><c>{"success":false,"status":2,"message":"Invalid Request ID"}</c>: an error, not a status.</summary>
    ErrorShaped,
    /// <summary>A status reply with <c>"status":"2"</c>: failed.</summary>
    StatusFailed,
    /// <summary>A status reply with <c>"status":"0"</c>: pending for ever.</summary>
    StatusPending,
}

/// <summary>The vendor's truth about one reference at a moment.</summary>
internal enum Truth
{
    NotRecorded,
    Pending,
    Delivered,
    NotDelivered,
}

/// <summary>What a status query would say (before any wire fault), lies included.</summary>
internal enum Reported
{
    NotFound,
    Pending,
    Success,
    Failed,
}

/// <summary>One recharge the vendor recorded, and its fate, fixed when it was recorded.</summary>
internal sealed class VendorRecord
{
    public required string Reference { get; init; }
    public required string Number { get; init; }
    public required string Amount { get; init; }
    public required DateTime ArrivesAtUtc { get; init; }
    public required TimeSpan ProcessingTime { get; init; }
    /// <summary>The fate without a flip.</summary>
    public required bool Delivers { get; init; }
    public required Flip Flip { get; init; }
    /// <summary>How long after processing the lie lasts (or the reversal comes).</summary>
    public required TimeSpan FlipLasts { get; init; }
    public required string TrxId { get; init; }

    public DateTime ProcessedAtUtc => ArrivesAtUtc + ProcessingTime;

    public bool FinallyDelivered => Flip switch
    {
        Flip.FalseFailure => true,
        Flip.Reversal => false,
        _ => Delivers,
    };
}

/// <summary>One status reply the vendor put on the wire: what it meant, and the fault it carried.</summary>
internal sealed record StatusReply(DateTime AtUtc, Reported Reported, StatusFault Fault)
{
    /// <summary>A final answer in the vendor's own, readable shape.</summary>
    public bool IsReadableFinal => Fault is StatusFault.None or StatusFault.Slow && Reported is Reported.Success or Reported.Failed;
}

/// <summary>A submission whose handler never returned: the portal that sent it died waiting.</summary>
internal sealed record HungSubmission(string Reference, HostLife Host, TaskCompletionSource<HttpResponseMessage> Reply);

/// <summary>
/// An in-process upstream with its own ledger, speaking ECARE's or Flexi's exact wire format, and
/// a seeded schedule of faults per request. It keeps the truth per reference — received or not,
/// and once processed delivered or not — which the invariants are checked against.
/// </summary>
internal sealed class FakeVendor(VendorKind kind, string name, SimulationOptions options, FakeTimeProvider clock, CrashBudget crashes)
{
    public const string EcareUrl = "https://ecare.sim.invalid/myportal/api/rechargeapi/recharge_api_thirdparty.php";
    public const string FlexiBaseUrl = "https://flexi.sim.invalid";
    public const string AccessId = "portal";
    public const string AccessPass = "Sim-Ecare-Pass-7731";
    public const string FlexiUser = "portal";
    public const string FlexiKey = "sim-flexi-key-5f1e9a0c";

    private readonly ConcurrentDictionary<string, VendorRecord> records = new();
    private readonly ConcurrentDictionary<string, int> submitArrivals = new();
    private readonly ConcurrentDictionary<string, int> statusCalls = new();
    private readonly ConcurrentDictionary<string, string> keys = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> events = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<StatusReply>> replies = new();
    private readonly ConcurrentQueue<string> protocolErrors = new();
    private readonly ConcurrentQueue<HungSubmission> hung = new();
    private DateTime? settledAtUtc;
    private int trxCounter;

    public VendorKind Kind { get; } = kind;

    /// <summary>The message of this vendor's wrong-shaped status reply: a refund whose reason quotes it was caused by it.</summary>
    public string WrongShapeMessage => Kind == VendorKind.Ecare ? "Login Failed, Invalid Credential" : "Not User";

    public string Name { get; } = name;

    public UnknownIdStyle UnknownIdStyle { get; } = Dice.Pick(
        Enum.GetValues<UnknownIdStyle>().Select(s => (s, options.Without.Contains(s.ToString()) ? 0.0 : 1.0)).ToList(),
        Dice.Unit(options.Seed, name, "unknown-id-style"));

    public IReadOnlyDictionary<string, VendorRecord> Records => records;

    public IReadOnlyDictionary<string, int> SubmitArrivals => submitArrivals;

    public IReadOnlyCollection<string> ProtocolErrors => protocolErrors;

    public IEnumerable<HungSubmission> Hung => hung;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private int Seed => options.Seed;

    /// <summary>Every reference that reached the submit endpoint, with or without being recorded.</summary>
    public IEnumerable<string> SubmittedReferences => submitArrivals.Keys;

    public IReadOnlyList<StatusReply> RepliesOf(string reference) =>
        replies.TryGetValue(reference, out var list) ? list.ToList() : [];

    public IReadOnlyList<string> EventsOf(string reference) =>
        events.TryGetValue(reference, out var list) ? list.ToList() : [];

    /// <summary>The drain: from now on everything is processed, lies end, and no call meets a fault.</summary>
    public void Settle() => settledAtUtc ??= Now;

    private bool Settled(DateTime at) => settledAtUtc is { } s && at >= s;

    public Truth TruthAt(string reference, DateTime at)
    {
        if (!records.TryGetValue(reference, out var r) || r.ArrivesAtUtc > at)
        {
            return Truth.NotRecorded;
        }

        if (!Settled(at) && r.ProcessedAtUtc > at)
        {
            return Truth.Pending;
        }

        var delivered = r.Flip switch
        {
            Flip.FalseFailure => true,
            Flip.Reversal => !Settled(at) && at < r.ProcessedAtUtc + r.FlipLasts,
            _ => r.Delivers,
        };
        return delivered ? Truth.Delivered : Truth.NotDelivered;
    }

    public Truth TruthNow(string reference) => TruthAt(reference, Now);

    /// <summary>What the vendor reports at <paramref name="at"/>: the truth, except while a flip lies.</summary>
    public Reported ReportedAt(string reference, DateTime at)
    {
        var truth = TruthAt(reference, at);
        if (truth == Truth.NotRecorded)
        {
            return Reported.NotFound;
        }

        if (truth == Truth.Pending)
        {
            return Reported.Pending;
        }

        var r = records[reference];
        var lying = !Settled(at) && at < r.ProcessedAtUtc + r.FlipLasts;
        return r.Flip switch
        {
            Flip.FalseFailure when lying => Reported.Failed,
            Flip.Reversal when lying => Reported.Success,
            _ => truth == Truth.Delivered ? Reported.Success : Reported.Failed,
        };
    }

    /// <summary>Lets every hung handler return (an error, as a dead peer's socket would); their portals are gone.</summary>
    public int ReleaseHung()
    {
        var released = 0;
        while (hung.TryDequeue(out var h))
        {
            Log(h.Reference, "hung submission released (late reply to a dead portal)");
            h.Reply.TrySetException(Drop());
            released++;
        }

        return released;
    }

    /// <summary>Answers one request as the vendor's PHP server would, faults included.</summary>
    public async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, HostLife host)
    {
        var (endpoint, fields) = await ReadAsync(request);
        switch (endpoint)
        {
            case "submit":
                return await SubmitAsync(fields, host);
            case "status":
                return await StatusAsync(fields);
            case "balance":
                return Reply(Kind == VendorKind.Ecare
                    ? """{"STATUS":"OK","MAIN_BALANCE":"3,500.00","STOCK_BALANCE":"30.00","COMMISSION_TYPE":"Prepaid","COMMISSION_RATE":"3.00","MESSAGE":"Balance Equerry Success"}"""
                    : """{"success":true,"status":1,"balance":"102"}""");
            case "offers":
                return Reply("""{"STATUS":"OK","GP":[],"BL":[],"RB":[],"AR":[],"TL":[],"MESSAGE":"Offer Pack List"}""");
            default:
                return Reply(Kind == VendorKind.Ecare
                    ? """{"STATUS":"INVALID","MESSAGE":"INVALID SERVICE"}"""
                    : """{"success":false,"status":2,"message":"Not User"}""");
        }
    }

    private async Task<(string Endpoint, Dictionary<string, string> Fields)> ReadAsync(HttpRequestMessage request)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("A request without an address.");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Kind == VendorKind.Ecare)
        {
            if (request.Method != HttpMethod.Get || !uri.AbsoluteUri.StartsWith(EcareUrl, StringComparison.Ordinal))
            {
                protocolErrors.Enqueue($"ECARE got {request.Method} {uri.GetLeftPart(UriPartial.Path)}");
            }

            var query = HttpUtility.ParseQueryString(uri.Query);
            foreach (var key in query.AllKeys.OfType<string>())
            {
                fields[key] = query[key] ?? "";
            }

            if (fields.GetValueOrDefault("access_id") != AccessId || fields.GetValueOrDefault("access_pass") != AccessPass)
            {
                protocolErrors.Enqueue("ECARE got a request without the account's credentials");
            }

            return (fields.GetValueOrDefault("service") switch
            {
                "MRC" => "submit",
                "MRCSTATUS" => "status",
                "BLCK" => "balance",
                "OFFERPACK" => "offers",
                _ => "other",
            }, fields);
        }

        if (request.Method != HttpMethod.Post || request.Content is null)
        {
            protocolErrors.Enqueue($"Flexi got {request.Method} {uri.AbsolutePath} without a form");
        }
        else
        {
            var form = HttpUtility.ParseQueryString(await request.Content.ReadAsStringAsync());
            foreach (var key in form.AllKeys.OfType<string>())
            {
                fields[key] = form[key] ?? "";
            }
        }

        if (fields.GetValueOrDefault("user") != FlexiUser || fields.GetValueOrDefault("key") != FlexiKey)
        {
            protocolErrors.Enqueue("Flexi got a request without the account's user and key");
        }

        if (uri.AbsolutePath == "/sendapi/request"
            && (!request.Headers.TryGetValues("band-key", out var band) || !band.Contains("flexisoftwarebd")))
        {
            protocolErrors.Enqueue("Flexi got a recharge request without the band-key header");
        }

        return (uri.AbsolutePath switch
        {
            "/sendapi/request" => "submit",
            "/sendapi/status" => "status",
            "/sendapi/balance" => "balance",
            _ => "other",
        }, fields);
    }

    private async Task<HttpResponseMessage> SubmitAsync(Dictionary<string, string> fields, HostLife host)
    {
        var reference = fields.GetValueOrDefault(Kind == VendorKind.Ecare ? "refid" : "id") ?? "";
        var operatorCode = fields.GetValueOrDefault("operator") ?? "";
        var number = fields.GetValueOrDefault("number") ?? "";
        var amount = fields.GetValueOrDefault("amount") ?? "";
        if (reference.Length == 0 || number.Length != 11 || !long.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            protocolErrors.Enqueue($"{Name} got a recharge it cannot read: ref '{reference}', number '{number}', amount '{amount}'");
        }

        // The dice key: the order itself (number and amount are random per recharge), not the reference,
        // whose leading timestamp depends on when a background dispatch happened to run.
        keys.TryAdd(reference, $"{operatorCode}/{number}/{amount}");
        var arrivals = submitArrivals.AddOrUpdate(reference, 1, (_, n) => n + 1);
        if (arrivals > 1)
        {
            // The vendor's own reference check is all that stands between a resend and a double recharge.
            Log(reference, $"submit #{arrivals}: THE SAME REFERENCE AGAIN; answered duplicate");
            return Duplicate();
        }

        var now = Now;
        var fault = Settled(now) ? SubmitFault.None : Dice.Pick(options.SubmitFaults, Dice.Unit(Seed, Name, KeyOf(reference), "submit"));
        if (fault is SubmitFault.CrashAfterCommit or SubmitFault.CrashBeforeCommit or SubmitFault.AcceptedThenPortalDies or SubmitFault.RefusedThenPortalDies
            && !crashes.TryTake())
        {
            fault = fault switch
            {
                SubmitFault.CrashAfterCommit => SubmitFault.HangAfterCommit,
                SubmitFault.CrashBeforeCommit => SubmitFault.HangBeforeCommit,
                SubmitFault.AcceptedThenPortalDies => SubmitFault.None,
                _ => SubmitFault.LowBalance,
            };
        }

        Log(reference, $"submit {number} Tk{amount}: {fault}");
        switch (fault)
        {
            case SubmitFault.Slow:
                await Task.Yield();
                Record(reference, number, amount, now);
                return Reply(AcceptedJson(reference, operatorCode, number, amount));
            case SubmitFault.DropAfterCommit:
                Record(reference, number, amount, now);
                throw Drop();
            case SubmitFault.DropBeforeCommit:
                throw Drop();
            case SubmitFault.Http500AfterCommit:
                Record(reference, number, amount, now);
                return ServerError();
            case SubmitFault.Http500BeforeCommit:
                return ServerError();
            case SubmitFault.GarbageAfterCommit:
                Record(reference, number, amount, now);
                return Garbage(reference, "submit", AcceptedJson(reference, operatorCode, number, amount), allowRedirect: true);
            case SubmitFault.GarbageBeforeCommit:
                return Garbage(reference, "submit", AcceptedJson(reference, operatorCode, number, amount), allowRedirect: true);
            case SubmitFault.HangAfterCommit:
                Record(reference, number, amount, now);
                throw Timeout();
            case SubmitFault.HangBeforeCommit:
                throw Timeout();
            case SubmitFault.HangArrivesLate:
                var late = TimeSpan.FromSeconds(Dice.Between(10, 200, Seed, Name, KeyOf(reference), "late"));
                Record(reference, number, amount, now + late);
                Log(reference, $"arrives {late.TotalSeconds:0} s late");
                throw Timeout();
            case SubmitFault.DuplicateAfterCommit:
                Record(reference, number, amount, now);
                return Duplicate();
            case SubmitFault.LowBalance:
                return Reply(Kind == VendorKind.Ecare
                    ? """{"STATUS":"FAILED","RECHARGE_STATUS":"LOWBALANCE","MESSAGE":"Insufficient Wallet Balance"}"""
                    : """{"success":false,"status":2,"message":"Insufficient balance"}""");
            case SubmitFault.Maintenance:
                return Reply(Kind == VendorKind.Ecare
                    ? """{"STATUS":"MAINTENANCE","MESSAGE":"Server Maintenance Mode Running, Try After Sometime"}"""
                    : """{"success":false,"status":2,"message":"Server maintenance, try after sometime"}""");
            case SubmitFault.Refused:
                return Reply(Kind == VendorKind.Ecare
                    ? """{"STATUS":"FAILED","RECHARGE_STATUS":"FAILED","MESSAGE":"Recharge Request Failed."}"""
                    : """{"success":false,"status":2,"message":"Invalid number"}""");
            case SubmitFault.AcceptedThenPortalDies:
                Record(reference, number, amount, now);
                host.DieAfterStatements(Dice.Between(1, 8, Seed, Name, KeyOf(reference), "dies"));
                return Reply(AcceptedJson(reference, operatorCode, number, amount));
            case SubmitFault.RefusedThenPortalDies:
                host.DieAfterStatements(Dice.Between(1, 8, Seed, Name, KeyOf(reference), "dies"));
                return Reply(Kind == VendorKind.Ecare
                    ? """{"STATUS":"FAILED","RECHARGE_STATUS":"LOWBALANCE","MESSAGE":"Insufficient Wallet Balance"}"""
                    : """{"success":false,"status":2,"message":"Insufficient balance"}""");
            case SubmitFault.CrashAfterCommit:
            case SubmitFault.CrashBeforeCommit:
                if (fault == SubmitFault.CrashAfterCommit)
                {
                    Record(reference, number, amount, now);
                }

                // The portal process dies here, waiting for this reply; the handler never returns.
                var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
                hung.Enqueue(new HungSubmission(reference, host, never));
                host.Kill($"crashed waiting for {Name}'s reply to {reference}");
                return await never.Task;
            default:
                Record(reference, number, amount, now);
                return Reply(AcceptedJson(reference, operatorCode, number, amount));
        }
    }

    private async Task<HttpResponseMessage> StatusAsync(Dictionary<string, string> fields)
    {
        var reference = fields.GetValueOrDefault(Kind == VendorKind.Ecare ? "refid" : "id") ?? "";
        var call = statusCalls.AddOrUpdate(reference, 1, (_, n) => n + 1);
        var now = Now;
        var fault = Settled(now) ? StatusFault.None : Dice.Pick(options.StatusFaults, Dice.Unit(Seed, Name, KeyOf(reference), "status", call));
        var reported = ReportedAt(reference, now);
        Log(reference, $"status #{call}: {reported}{(fault == StatusFault.None ? "" : $", {fault}")} (truth {TruthAt(reference, now)})");
        replies.GetOrAdd(reference, _ => new ConcurrentQueue<StatusReply>()).Enqueue(new StatusReply(now, reported, fault));
        switch (fault)
        {
            case StatusFault.Slow:
                await Task.Yield();
                break;
            case StatusFault.Garbage:
                return Garbage(reference, "status" + call, StatusJson(reference, reported, call), allowRedirect: false);
            case StatusFault.Http500:
                return ServerError();
            case StatusFault.WrongShape:
                return Reply(Kind == VendorKind.Ecare
                    ? $$"""{"STATUS":"FAILED","MESSAGE":"{{WrongShapeMessage}}"}"""
                    : $$"""{"status":2,"message":"{{WrongShapeMessage}}"}""");
            case StatusFault.Drop:
                throw Drop();
            case StatusFault.Hang:
                throw Timeout();
        }

        return Reply(StatusJson(reference, reported, call));
    }

    private string StatusJson(string reference, Reported reported, int call)
    {
        var r = records.GetValueOrDefault(reference);
        if (Kind == VendorKind.Ecare)
        {
            return reported switch
            {
                Reported.NotFound => """{"STATUS":"FAILED","RECHARGE_STATUS":"INVALIDREF","MESSAGE":"Sorry! Invalid Reference"}""",
                Reported.Pending => call % 2 == 0
                    ? """{"STATUS":"OK","RECHARGE_STATUS":"PROCESSING","MESSAGE":""}"""
                    : """{"STATUS":"OK","RECHARGE_STATUS":"PENDING","MESSAGE":""}""",
                Reported.Success =>
                    $$"""{"STATUS":"OK","RECHARGE_STATUS":"SUCCESS","RECHARGE_TRXID":"{{r!.TrxId}}","MESSAGE":"200: Recharge Tk{{r.Amount}} to {{r.Number}} SUCCESS. TrxID: E{{reference}}. C/B Tk93.55. @ECARE"}""",
                _ => $$"""{"STATUS":"OK","RECHARGE_STATUS":"FAILED","RECHARGE_TRXID":"{{r!.TrxId}}","MESSAGE":"Recharge SMS"}""",
            };
        }

        // The vendor's own malformed status JSON: a misspelt key, an unquoted value, stray spaces.
        string Status(string value, string trx) => $$"""{"posotion":1,"trxid":{{trx}},"lastbalance":"102", "status":"{{value}}"}""";
        return reported switch
        {
            Reported.NotFound => UnknownIdStyle switch
            {
                UnknownIdStyle.ErrorShaped => """{"success":false,"status":2,"message":"Invalid Request ID"}""",
                UnknownIdStyle.StatusFailed => """{"posotion":0,"trxid":,"lastbalance":"102", "status":"2"}""",
                _ => """{"posotion":0,"trxid":,"lastbalance":"102", "status":"0"}""",
            },
            Reported.Pending => Status(call % 2 == 0 ? "3" : "0", ""),
            Reported.Success => Status("1", r!.TrxId),
            _ => Status("2", r!.TrxId),
        };
    }

    private void Record(string reference, string number, string amount, DateTime arrivesAt)
    {
        var u = Dice.Unit(Seed, Name, KeyOf(reference), "fate");
        var longRun = Dice.Unit(Seed, Name, KeyOf(reference), "long") < options.LongProcessingRate;
        var processing = longRun
            ? TimeSpan.FromMinutes(Dice.Between(12, 40, Seed, Name, KeyOf(reference), "processing"))
            : TimeSpan.FromSeconds(Dice.Between(2, 150, Seed, Name, KeyOf(reference), "processing"));
        var delivers = u < options.DeliveryRate;
        var flipDice = Dice.Unit(Seed, Name, KeyOf(reference), "flip");
        var flip = flipDice < options.FalseFailureRate && delivers ? Flip.FalseFailure
            : flipDice > 1 - options.ReversalRate ? Flip.Reversal
            : Flip.None;
        var record = new VendorRecord
        {
            Reference = reference,
            Number = number,
            Amount = amount,
            ArrivesAtUtc = arrivesAt,
            ProcessingTime = processing,
            Delivers = delivers || flip == Flip.Reversal,
            Flip = flip,
            FlipLasts = flip == Flip.None ? TimeSpan.Zero : TimeSpan.FromMinutes(Dice.Between(1, 25, Seed, Name, KeyOf(reference), "flip-lasts")),
            TrxId = $"{(Kind == VendorKind.Ecare ? "R" : "FX")}{Interlocked.Increment(ref trxCounter):D6}",
        };
        if (!records.TryAdd(reference, record))
        {
            protocolErrors.Enqueue($"{Name} recorded {reference} twice");
        }

        Log(reference, $"recorded (arrives {Offset(arrivesAt)}, processed {Offset(record.ProcessedAtUtc)}, " +
            $"{(record.Delivers ? "delivers" : "fails")}{(flip == Flip.None ? "" : $", flip {flip} for {record.FlipLasts.TotalMinutes:0} min")})");
    }

    private string AcceptedJson(string reference, string operatorCode, string number, string amount) => Kind == VendorKind.Ecare
        ? $$"""{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","OPERATOR":"{{operatorCode}}","NUMBER":"{{number}}","AMOUNT":"{{amount}}","TRXID":"E{{reference}}","MESSAGE":"Your Mobile Recharge Request Received."}"""
        : """{"success":true,"status":1,"message":"Flexiload- Request Submit Successfully"}""";

    private HttpResponseMessage Duplicate() => Reply(Kind == VendorKind.Ecare
        ? """{"STATUS":"FAILED","RECHARGE_STATUS":"DUPLICATE","MESSAGE":"Duplicate Reference or Duplicate Recharge Request"}"""
        : """{"success":false,"status":2,"message":"Duplicate request id"}""");

    /// <summary>What a PHP host sends when things go wrong: an HTML error page, a warning before the JSON, nothing, a redirect.</summary>
    private HttpResponseMessage Garbage(string reference, string what, string json, bool allowRedirect)
    {
        var variant = Dice.Between(0, allowRedirect ? 4 : 3, Seed, Name, KeyOf(reference), what, "garbage");
        switch (variant)
        {
            case 0:
                return Reply("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>");
            case 1:
                return Reply("<br />\n<b>Warning</b>:  mysqli_query(): MySQL server has gone away in <b>/home/vendor/public_html/api/index.php</b> on line <b>88</b><br />\n" + json);
            case 2:
                return Reply("");
            case 3:
                return Reply("Notice: Undefined index: operator in /home/vendor/public_html/api/index.php on line 41\n" + json);
            default:
                var redirect = new HttpResponseMessage(HttpStatusCode.Found) { Content = new StringContent("", Encoding.UTF8, "text/html") };
                redirect.Headers.Location = new Uri("/maintenance.html", UriKind.Relative);
                return redirect;
        }
    }

    private static HttpResponseMessage ServerError() => new(HttpStatusCode.InternalServerError)
    {
        Content = new StringContent("<html><body><h1>500 Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>", Encoding.UTF8, "text/html"),
    };

    /// <summary>PHP serves JSON as text/html.</summary>
    private static HttpResponseMessage Reply(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/html") };

    /// <summary>The connection died after the request left: what the socket handler throws.</summary>
    private static HttpRequestException Drop() =>
        new(HttpRequestError.ResponseEnded, "An error occurred while sending the request.", new IOException("The response ended prematurely."));

    /// <summary>What the client's timeout throws; no real time passes.</summary>
    private TaskCanceledException Timeout() =>
        new($"The request was canceled due to the configured timeout ({Name}).", new TimeoutException("The operation was canceled."));

    /// <summary>What a reference's faults and fate are drawn from: its order's key once submitted, else the reference.</summary>
    private string KeyOf(string reference) => keys.GetValueOrDefault(reference, reference);

    private void Log(string reference, string text) =>
        events.GetOrAdd(reference, _ => new ConcurrentQueue<string>()).Enqueue($"{Offset(Now)} {Name} {text}");

    private string Offset(DateTime at) => $"t+{(at - options.StartUtc).TotalSeconds:0}s";
}

/// <summary>How many crash faults a run may still fire: each costs a restart.</summary>
internal sealed class CrashBudget(int crashes)
{
    private int left = crashes;

    public bool TryTake() => Interlocked.Decrement(ref left) >= 0;
}
