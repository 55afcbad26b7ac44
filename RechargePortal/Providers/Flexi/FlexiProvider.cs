using RechargePortal.Providers.CallLog;
using RechargePortal.Providers.Sandbox;

namespace RechargePortal.Providers.Flexi;

/// <summary>
/// Flexi (flexi-api.md): form POSTs to <c>BaseUrl/sendapi/{request,status,balance}</c> with the
/// <c>band-key</c> header (and <c>refer</c> where a deployment whitelists callers). Its status
/// reply is malformed JSON, read by <see cref="LenientReply"/>.
/// </summary>
public sealed class FlexiProvider(
    ProviderSettings settings,
    UpstreamHttp http,
    IUpstreamCallLog callLog,
    TimeProvider time,
    ILogger<FlexiProvider> logger) : UpstreamAdapter(settings, http, callLog, time, logger)
{
    /// <summary>Where the built-in sandbox answers this account's calls (the sandbox handler never leaves the process).</summary>
    public static string SandboxBaseUrl(string provider) => $"http://{SandboxHost.For(provider, ProviderKind.Flexi)}";

    public override ProviderKind Kind => ProviderKind.Flexi;

    public override string Host => IsSandbox ? "built-in sandbox" : HostOf(Settings.BaseUrl);

    private string BaseUrl => (IsSandbox ? SandboxBaseUrl(Name) : Settings.BaseUrl!.Trim()).TrimEnd('/');

    public static string? OperatorCode(MobileOperator op, NumberType type) => (op, type) switch
    {
        (MobileOperator.Grameenphone, NumberType.Skitto) => "SK",
        (_, NumberType.Skitto) => null,
        (MobileOperator.Grameenphone, _) => "GP",
        (MobileOperator.Robi, _) => "RB",
        (MobileOperator.Airtel, _) => "AT",
        (MobileOperator.Banglalink, _) => "BL",
        (MobileOperator.Teletalk, _) => "TT",
        _ => null,
    };

    public override Task<SubmitResult> SubmitAsync(RechargeRequest request, CancellationToken ct = default)
    {
        var amount = Taka.WholeTakaText(request.AmountPoisha);
        var op = OperatorCode(request.Operator, request.NumberType);
        if (amount is null || op is null || request.NumberType == NumberType.PowerLoad)
        {
            var why = amount is null ? "Flexi takes whole taka only" : $"Flexi has no {request.Operator} {request.NumberType} recharge";
            return Task.FromResult<SubmitResult>(new SubmitResult.Rejected(why, TriedElsewhereIsSafe: true));
        }

        var fields = new List<(string, string)>
        {
            ("number", request.Number),
            ("service", Settings.ServiceCode),
            ("amount", amount),
            ("type", request.NumberType == NumberType.Postpaid ? "2" : "1"),
            ("id", request.Reference),
            ("operator", op),
        };
        return Post(
            UpstreamOperations.Submit, request.Reference, "request", fields, isSubmission: true, InterpretSubmit,
            failure => failure.NotSent
                ? new SubmitResult.Rejected($"not sent: {failure.Why}", TriedElsewhereIsSafe: true)
                : new SubmitResult.Unknown(failure.Why),
            DescribeSubmit, ct);
    }

    public override Task<StatusResult> QueryStatusAsync(string reference, CancellationToken ct = default) =>
        Post(UpstreamOperations.Status, reference, "status", [("id", reference)], isSubmission: false, InterpretStatus,
            failure => new StatusResult.Unknown(failure.Why), DescribeStatus, ct);

    public override Task<BalanceResult> QueryBalanceAsync(CancellationToken ct = default) =>
        Post(UpstreamOperations.Balance, null, "balance", [], isSubmission: false, InterpretBalance,
            failure => new BalanceResult.Unknown(failure.Why), DescribeBalance, ct);

    private Task<TResult> Post<TResult>(
        string operation, string? reference, string endpoint, IReadOnlyList<(string Name, string Value)> fields, bool isSubmission,
        Func<UpstreamReply, TResult> interpret, Func<TransportFailure, TResult> onFailure,
        Func<TResult, (string, bool)> describe, CancellationToken ct)
        where TResult : class
    {
        var url = $"{BaseUrl}/sendapi/{endpoint}";
        var all = new List<(string Name, string Value)> { ("user", Settings.User ?? ""), ("key", Settings.Key ?? "") };
        all.AddRange(fields);
        var masked = $"POST {url} [band-key: {Settings.BandKey}{(Settings.Refer is { Length: > 0 } r ? $", refer: {r}" : "")}] "
            + string.Join("&", all.Select(f => $"{f.Name}={(f.Name == "key" ? "***" : f.Value)}"));

        HttpRequestMessage Build()
        {
            var message = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new FormUrlEncodedContent(all.Select(f => KeyValuePair.Create(f.Name, f.Value))),
            };
            message.Headers.TryAddWithoutValidation("band-key", Settings.BandKey);
            if (!string.IsNullOrWhiteSpace(Settings.Refer))
            {
                message.Headers.TryAddWithoutValidation("refer", Settings.Refer);
            }

            return message;
        }

        return CallAsync(operation, reference, Build, Mask(masked), isSubmission, interpret, onFailure, describe, ct);
    }

    internal static SubmitResult InterpretSubmit(UpstreamReply reply)
    {
        if (LenientReply.Parse(reply.Body) is not { } r)
        {
            return new SubmitResult.Unknown($"unreadable reply ({LenientReply.Snippet(reply.Body)})");
        }

        var success = r.Get("success")?.ToLowerInvariant();
        var status = r.Get("status");
        var message = r.Get("message");
        return (success, status) switch
        {
            ("true", "1") => new SubmitResult.Accepted(r.Get("trxid")),
            // Our ids are unique: a duplicate means an earlier send arrived, so another provider is not safe; the status query decides.
            ("false", _) when FlexiMessages.MeansDuplicateId(message) =>
                new SubmitResult.Unknown($"Flexi reports a duplicate id ({message}); the status query decides"),
            // Safe elsewhere only when the wording is known to mean nothing was recorded. Flexi has no refusal known to be final
            // yet unsafe elsewhere, so every other refusal may have been recorded: unknown, the status query decides.
            ("false", _) when FlexiMessages.MeansNothingRecorded(message) => new SubmitResult.Rejected(message!, TriedElsewhereIsSafe: true),
            ("false", _) => new SubmitResult.Unknown($"Flexi refused in words of no known meaning ({message ?? "no message"}); the status query decides"),
            _ => new SubmitResult.Unknown($"unexpected reply: success={success}, status={status}, message={message}"),
        };
    }

    internal StatusResult InterpretStatus(UpstreamReply reply)
    {
        if (LenientReply.Parse(reply.Body) is not { } r)
        {
            return new StatusResult.Unknown($"unreadable reply ({LenientReply.Snippet(reply.Body)})");
        }

        // A status only in the status reply's own shape (trxid or posotion); otherwise only a refusal saying the id is unknown answers (NotFound).
        if (!r.ContainsKey("trxid") && !r.ContainsKey("posotion"))
        {
            return r.Get("success")?.ToLowerInvariant() != "true" && FlexiMessages.MeansNoSuchId(r.Get("message"))
                ? new StatusResult.NotFound()
                : new StatusResult.Unknown($"not a status reply: success={r.Get("success")}, status={r.Get("status")}, message={r.Get("message")}");
        }

        // A refusal carrying status fields contradicts itself: it says nothing sure about the recharge.
        if (r.Get("success")?.ToLowerInvariant() == "false")
        {
            return new StatusResult.Unknown($"Flexi refused the query: {r.Get("message") ?? "no message"}");
        }

        if (r.Get("status") is not { } status)
        {
            return new StatusResult.Unknown($"a status reply without a status ({LenientReply.Snippet(reply.Body)})");
        }

        var meaning = Settings.StatusMap.TryGetValue(status, out var configured)
            && Enum.TryParse<FlexiStatusMeaning>(configured, ignoreCase: true, out var parsed)
            ? parsed
            : FlexiStatusMeaning.Pending;
        return meaning switch
        {
            FlexiStatusMeaning.Succeeded => new StatusResult.Succeeded(r.Get("trxid")),
            FlexiStatusMeaning.Failed => new StatusResult.Failed(r.Get("message") ?? $"Flexi status {status}"),
            _ => new StatusResult.Pending(),
        };
    }

    internal static BalanceResult InterpretBalance(UpstreamReply reply)
    {
        if (LenientReply.Parse(reply.Body) is not { } r)
        {
            return new BalanceResult.Unknown($"unreadable reply ({LenientReply.Snippet(reply.Body)})");
        }

        return r.Get("success")?.ToLowerInvariant() == "true" && Taka.TryParsePoisha(r.Get("balance"), out var poisha)
            ? new BalanceResult.Known(poisha)
            : new BalanceResult.Unknown($"no readable balance (success={r.Get("success")}, message={r.Get("message")})");
    }
}
