using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace RechargePortal.Providers.Sandbox;

/// <summary>The made-up host a sandbox account's adapter talks to; the sandbox handler answers it in-process.</summary>
public static partial class SandboxHost
{
    public const string Suffix = ".sandbox.invalid";

    public static string For(string provider, ProviderKind kind) =>
        $"{NotHostChars().Replace(provider.ToLowerInvariant(), "-")}.{kind.ToString().ToLowerInvariant()}{Suffix}";

    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex NotHostChars();
}

/// <summary>
/// What the sandbox does with a recharge, by the number's last digit. Documented in the README.
/// </summary>
public enum SandboxOutcome
{
    /// <summary>1–6: accepted, then succeeds after <see cref="SandboxUpstream.ProcessingTime"/>.</summary>
    Succeeds,
    /// <summary>0: rejected at submit.</summary>
    RejectedAtSubmit,
    /// <summary>7: the submit reply is a garbled HTML page (outcome unknown), but the recharge goes through.</summary>
    GarbledReplyThenSucceeds,
    /// <summary>8: accepted and stays processing for ever.</summary>
    StaysProcessing,
    /// <summary>9: accepted, then fails after <see cref="SandboxUpstream.ProcessingTime"/>.</summary>
    Fails,
}

/// <summary>
/// The simulated upstreams' memory: recharges by reference and balances, per sandbox account.
/// Deterministic by the number's last digit; time comes from <see cref="TimeProvider"/>.
/// </summary>
public sealed class SandboxUpstream(TimeProvider time)
{
    public static readonly TimeSpan ProcessingTime = TimeSpan.FromSeconds(3);
    public const long StartingBalancePoisha = 50_000_00;

    private readonly ConcurrentDictionary<string, Account> accounts = new(StringComparer.OrdinalIgnoreCase);

    public static SandboxOutcome OutcomeFor(string number) => number.Trim().LastOrDefault() switch
    {
        '0' => SandboxOutcome.RejectedAtSubmit,
        '7' => SandboxOutcome.GarbledReplyThenSucceeds,
        '8' => SandboxOutcome.StaysProcessing,
        '9' => SandboxOutcome.Fails,
        _ => SandboxOutcome.Succeeds,
    };

    internal Account For(string host) => accounts.GetOrAdd(host, _ => new Account());

    internal DateTimeOffset Now => time.GetUtcNow();

    internal sealed class Account
    {
        private long balancePoisha = StartingBalancePoisha;
        private long trxCounter = 1000;

        public ConcurrentDictionary<string, Recharge> Recharges { get; } = new(StringComparer.Ordinal);

        public long BalancePoisha => Interlocked.Read(ref balancePoisha);

        public void Debit(long poisha) => Interlocked.Add(ref balancePoisha, -poisha);

        public string NextTrxId(string prefix) => $"{prefix}{Interlocked.Increment(ref trxCounter)}";
    }

    internal sealed record Recharge(string Number, long AmountPoisha, SandboxOutcome Outcome, DateTimeOffset SubmittedAt, string UpstreamTrxId, string OperatorTrxId);
}

/// <summary>
/// The primary HTTP handler of sandbox accounts: answers ECARE and Flexi requests in the vendors'
/// exact wire formats, quirks included (text/html JSON, "3,500.00", Flexi's malformed status JSON).
/// </summary>
public sealed class SandboxHandler(SandboxUpstream sandbox) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri?.Host ?? "";
        var account = sandbox.For(host);
        if (host.EndsWith(".ecare" + SandboxHost.Suffix, StringComparison.OrdinalIgnoreCase))
        {
            var query = ParseForm(request.RequestUri!.Query.TrimStart('?'));
            return Ecare(account, query);
        }

        if (host.EndsWith(".flexi" + SandboxHost.Suffix, StringComparison.OrdinalIgnoreCase))
        {
            var form = request.Content is null ? [] : ParseForm(await request.Content.ReadAsStringAsync(cancellationToken));
            return Flexi(account, request.RequestUri!.AbsolutePath, form);
        }

        return Reply(HttpStatusCode.NotFound, "<html><body>404 Not Found</body></html>", "text/html");
    }

    private HttpResponseMessage Ecare(SandboxUpstream.Account account, Dictionary<string, string> q)
    {
        var service = q.GetValueOrDefault("service")?.ToUpperInvariant();
        switch (service)
        {
            case "MRC":
                {
                    var refid = q.GetValueOrDefault("refid") ?? "";
                    var number = q.GetValueOrDefault("number") ?? "";
                    var outcome = SandboxUpstream.OutcomeFor(number);
                    if (!long.TryParse(q.GetValueOrDefault("amount"), NumberStyles.None, CultureInfo.InvariantCulture, out var taka) || refid.Length == 0)
                    {
                        return EcareJson("""{"STATUS":"FAILED","RECHARGE_STATUS":"FAILED","MESSAGE":"Recharge Request Failed."}""");
                    }

                    if (outcome == SandboxOutcome.RejectedAtSubmit)
                    {
                        return EcareJson("""{"STATUS":"FAILED","RECHARGE_STATUS":"FAILED","MESSAGE":"Recharge Request Failed."}""");
                    }

                    var recharge = new SandboxUpstream.Recharge(number, taka * 100, outcome, sandbox.Now,
                        account.NextTrxId($"E{sandbox.Now:ddMMyy}MRC"), account.NextTrxId($"R{sandbox.Now:yyMMdd}."));
                    if (!account.Recharges.TryAdd(refid, recharge))
                    {
                        return EcareJson("""{"STATUS":"FAILED","RECHARGE_STATUS":"DUPLICATE","MESSAGE":"Duplicate Reference or Duplicate Recharge Request"}""");
                    }

                    account.Debit(recharge.AmountPoisha);
                    if (outcome == SandboxOutcome.GarbledReplyThenSucceeds)
                    {
                        return Reply(HttpStatusCode.OK, "<html><head><title>Warning</title></head><body><b>Warning</b>: mysqli_query(): MySQL server has gone away</body></html>", "text/html");
                    }

                    return EcareJson($$"""{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","OPERATOR":"{{q.GetValueOrDefault("operator")}}","NUMBER":"{{number}}","AMOUNT":"{{taka}}","TRXID":"{{recharge.UpstreamTrxId}}","MESSAGE":"Your Mobile Recharge Request Received."}""");
                }

            case "MRCSTATUS":
                {
                    if (!account.Recharges.TryGetValue(q.GetValueOrDefault("refid") ?? "", out var r))
                    {
                        return EcareJson("""{"STATUS":"FAILED","RECHARGE_STATUS":"INVALIDREF","MESSAGE":"Sorry! Invalid Reference"}""");
                    }

                    return State(r) switch
                    {
                        "SUCCESS" => EcareJson($$"""{"STATUS":"OK","RECHARGE_STATUS":"SUCCESS","RECHARGE_TRXID":"{{r.OperatorTrxId}}","MESSAGE":"200: Recharge Tk{{r.AmountPoisha / 100}} to {{r.Number}} SUCCESS. TrxID: {{r.UpstreamTrxId}}. C/B Tk{{Plain(account.BalancePoisha)}}. @ECARE"}"""),
                        "FAILED" => EcareJson($$"""{"STATUS":"OK","RECHARGE_STATUS":"FAILED","RECHARGE_TRXID":"{{r.OperatorTrxId}}","MESSAGE":"Recharge Tk{{r.AmountPoisha / 100}} to {{r.Number}} FAILED. @ECARE"}"""),
                        var pending => EcareJson($$"""{"STATUS":"OK","RECHARGE_STATUS":"{{pending}}","RECHARGE_TRXID":"","MESSAGE":""}"""),
                    };
                }

            case "BLCK":
                return EcareJson($$"""{"STATUS":"OK","MAIN_BALANCE":"{{Formatted(account.BalancePoisha)}}","STOCK_BALANCE":"30.00","COMMISSION_TYPE":"Prepaid","COMMISSION_RATE":"3.00","MESSAGE":"Balance Equerry Success"}""");

            case "OFFERPACK":
                return EcareJson(SandboxOfferPacks.Json);

            default:
                return EcareJson("""{"STATUS":"OK","MESSAGE":"INVALID SERVICE"}""");
        }
    }

    private HttpResponseMessage Flexi(SandboxUpstream.Account account, string path, Dictionary<string, string> form)
    {
        switch (path.TrimEnd('/').ToLowerInvariant())
        {
            case "/sendapi/request":
                {
                    var id = form.GetValueOrDefault("id") ?? "";
                    var number = form.GetValueOrDefault("number") ?? "";
                    var outcome = SandboxUpstream.OutcomeFor(number);
                    // Refusals in wordings the adapter knows to mean nothing was recorded (FlexiMessages): any other would read as unknown.
                    if (id.Length == 0 || !long.TryParse(form.GetValueOrDefault("amount"), NumberStyles.None, CultureInfo.InvariantCulture, out var taka))
                    {
                        return FlexiJson("""{"success":false,"status":2,"message":"Invalid request"}""");
                    }

                    if (outcome == SandboxOutcome.RejectedAtSubmit)
                    {
                        return FlexiJson("""{"success":false,"status":2,"message":"Invalid Number"}""");
                    }

                    var recharge = new SandboxUpstream.Recharge(number, taka * 100, outcome, sandbox.Now, "", account.NextTrxId("FX"));
                    if (!account.Recharges.TryAdd(id, recharge))
                    {
                        return FlexiJson("""{"success":false,"status":2,"message":"Duplicate id"}""");
                    }

                    account.Debit(recharge.AmountPoisha);
                    return outcome == SandboxOutcome.GarbledReplyThenSucceeds
                        ? Reply(HttpStatusCode.OK, "", "text/html")
                        : FlexiJson("""{"success":true,"status":1,"message":"Flexiload- Request Submit Successfully"}""");
                }

            case "/sendapi/status":
                {
                    if (!account.Recharges.TryGetValue(form.GetValueOrDefault("id") ?? "", out var r))
                    {
                        return FlexiJson("""{"success":false,"status":2,"message":"Invalid id"}""");
                    }

                    var status = State(r) switch
                    {
                        "SUCCESS" => "1",
                        "FAILED" => "2",
                        _ => "0",
                    };
                    // The vendor's own malformed shape: an unquoted value, a misspelt key, a key with stray spaces.
                    return FlexiJson($$"""{"posotion":1,"trxid":{{r.OperatorTrxId}},"lastbalance":"{{Plain(account.BalancePoisha)}}", " status ":"{{status}}"}""");
                }

            case "/sendapi/balance":
                return FlexiJson($$"""{"success":true,"status":1,"balance":"{{Plain(account.BalancePoisha)}}"}""");

            default:
                return Reply(HttpStatusCode.NotFound, "<html><body>404 Not Found</body></html>", "text/html");
        }
    }

    private string State(SandboxUpstream.Recharge r)
    {
        var elapsed = sandbox.Now - r.SubmittedAt;
        if (r.Outcome == SandboxOutcome.StaysProcessing || elapsed < SandboxUpstream.ProcessingTime)
        {
            return elapsed < TimeSpan.FromSeconds(1) ? "PENDING" : "PROCESSING";
        }

        return r.Outcome == SandboxOutcome.Fails ? "FAILED" : "SUCCESS";
    }

    private static string Formatted(long poisha) => (poisha / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);

    private static string Plain(long poisha) => (poisha / 100m).ToString(poisha % 100 == 0 ? "0" : "0.00", CultureInfo.InvariantCulture);

    // ECARE is PHP: its JSON comes as text/html.
    private static HttpResponseMessage EcareJson(string json) => Reply(HttpStatusCode.OK, json, "text/html");

    private static HttpResponseMessage FlexiJson(string json) => Reply(HttpStatusCode.OK, json, "application/json");

    private static HttpResponseMessage Reply(HttpStatusCode code, string body, string mediaType) =>
        new(code) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    private static Dictionary<string, string> ParseForm(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            result[name] = value;
        }

        return result;
    }
}
