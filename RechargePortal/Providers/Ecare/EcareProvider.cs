using System.Text.Json;
using RechargePortal.Providers.CallLog;
using RechargePortal.Providers.Sandbox;

namespace RechargePortal.Providers.Ecare;

/// <summary>
/// ECARE (ecare-api.txt): every call a GET to <c>recharge_api_thirdparty.php</c> with the
/// credentials in the query string, replies a flat object of UPPERCASE string values.
/// </summary>
public sealed class EcareProvider(
    ProviderSettings settings,
    UpstreamHttp http,
    IUpstreamCallLog callLog,
    TimeProvider time,
    ILogger<EcareProvider> logger) : UpstreamAdapter(settings, http, callLog, time, logger)
{
    /// <summary>Where the built-in sandbox answers this account's calls (the sandbox handler never leaves the process).</summary>
    public static string SandboxUrl(string provider) =>
        $"http://{SandboxHost.For(provider, ProviderKind.Ecare)}/myportal/api/rechargeapi/recharge_api_thirdparty.php";

    public override ProviderKind Kind => ProviderKind.Ecare;

    public override string Host => IsSandbox ? "built-in sandbox" : HostOf(Settings.Url);

    public override bool SupportsOfferPacks => true;

    private string Url => IsSandbox ? SandboxUrl(Name) : Settings.Url!.Trim();

    public static string OperatorCode(MobileOperator op) => op switch
    {
        MobileOperator.Grameenphone => "7",
        MobileOperator.Banglalink => "4",
        MobileOperator.Robi => "8",
        MobileOperator.Airtel => "6",
        MobileOperator.Teletalk => "5",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    public static string NumberTypeCode(NumberType type) => type switch
    {
        NumberType.Prepaid => "1",
        NumberType.Postpaid => "2",
        NumberType.Skitto => "3",
        NumberType.PowerLoad => "4",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public override Task<SubmitResult> SubmitAsync(RechargeRequest request, CancellationToken ct = default)
    {
        var amount = Taka.WholeTakaText(request.AmountPoisha);
        if (amount is null)
        {
            return Task.FromResult<SubmitResult>(new SubmitResult.Rejected("ECARE takes whole taka only", TriedElsewhereIsSafe: true));
        }

        if (request.NumberType == NumberType.Skitto && request.Operator != MobileOperator.Grameenphone)
        {
            return Task.FromResult<SubmitResult>(new SubmitResult.Rejected("Skitto is a Grameenphone number type", TriedElsewhereIsSafe: true));
        }

        return CallAsync(
            UpstreamOperations.Submit, request.Reference,
            Query("MRC", ("operator", OperatorCode(request.Operator)), ("number_type", NumberTypeCode(request.NumberType)),
                ("number", request.Number), ("amount", amount), ("refid", request.Reference)),
            isSubmission: true, InterpretSubmit,
            failure => failure.NotSent
                ? new SubmitResult.Rejected($"not sent: {failure.Why}", TriedElsewhereIsSafe: true)
                : new SubmitResult.Unknown(failure.Why),
            DescribeSubmit, ct);
    }

    public override Task<StatusResult> QueryStatusAsync(string reference, CancellationToken ct = default) =>
        CallAsync(
            UpstreamOperations.Status, reference, Query("MRCSTATUS", ("refid", reference)),
            isSubmission: false, InterpretStatus, failure => new StatusResult.Unknown(failure.Why), DescribeStatus, ct);

    public override Task<BalanceResult> QueryBalanceAsync(CancellationToken ct = default) =>
        CallAsync(
            UpstreamOperations.Balance, null, Query("BLCK"),
            isSubmission: false, InterpretBalance, failure => new BalanceResult.Unknown(failure.Why), DescribeBalance, ct);

    public override Task<OfferPacksResult> ListOfferPacksAsync(CancellationToken ct = default) =>
        CallAsync(
            UpstreamOperations.OfferPacks, null, Query("OFFERPACK"),
            isSubmission: false, InterpretOfferPacks, failure => new OfferPacksResult.Unknown(failure.Why), DescribeOffers, ct);

    private Task<TResult> CallAsync<TResult>(
        string operation, string? reference, (string Url, string Masked) query, bool isSubmission,
        Func<UpstreamReply, TResult> interpret, Func<TransportFailure, TResult> onFailure,
        Func<TResult, (string, bool)> describe, CancellationToken ct)
        where TResult : class =>
        CallAsync(operation, reference, () => new HttpRequestMessage(HttpMethod.Get, query.Url), $"GET {query.Masked}",
            isSubmission, interpret, onFailure, describe, ct);

    /// <summary>The real address and its masked twin (access_pass replaced) for the call log.</summary>
    private (string Url, string Masked) Query(string service, params (string Name, string Value)[] parameters)
    {
        var all = new List<(string Name, string Value)>
        {
            ("access_id", Settings.AccessId ?? ""),
            ("access_pass", Settings.AccessPass ?? ""),
            ("service", service),
        };
        all.AddRange(parameters);
        var separator = Url.Contains('?') ? "&" : "?";
        string Build(bool masked) => Url + separator + string.Join("&", all.Select(p =>
            $"{p.Name}={(masked && p.Name == "access_pass" ? "***" : Uri.EscapeDataString(p.Value))}"));
        return (Build(masked: false), Mask(Build(masked: true)));
    }

    internal static SubmitResult InterpretSubmit(UpstreamReply reply)
    {
        if (LenientReply.Parse(reply.Body) is not { } r)
        {
            return new SubmitResult.Unknown($"unreadable reply ({LenientReply.Snippet(reply.Body)})");
        }

        var message = r.Get("MESSAGE");
        return r.Get("RECHARGE_STATUS")?.ToUpperInvariant() switch
        {
            "RECEIVED" when IsOk(r) => new SubmitResult.Accepted(r.Get("TRXID")),
            // Our references are unique: a duplicate means an earlier send of this one arrived. Only the status query can tell its fate.
            "DUPLICATE" => new SubmitResult.Unknown("ECARE reports a duplicate reference; the status query decides"),
            "LOWBALANCE" when !IsOk(r) => new SubmitResult.Rejected("insufficient balance at ECARE", TriedElsewhereIsSafe: true),
            // A plain refusal of this recharge (bad number, operator error): definite, but nothing says another provider would do better.
            "FAILED" when !IsOk(r) => new SubmitResult.Rejected(message ?? "recharge request failed", TriedElsewhereIsSafe: false),
            "REJECT" when !IsOk(r) => new SubmitResult.Rejected("ECARE refused our credentials", TriedElsewhereIsSafe: true),
            null when GeneralError(r) is { } error => new SubmitResult.Rejected(error, TriedElsewhereIsSafe: true),
            var other => new SubmitResult.Unknown($"unexpected reply: STATUS={r.Get("STATUS")}, RECHARGE_STATUS={other}, MESSAGE={message}"),
        };
    }

    internal static StatusResult InterpretStatus(UpstreamReply reply)
    {
        if (LenientReply.Parse(reply.Body) is not { } r)
        {
            return new StatusResult.Unknown($"unreadable reply ({LenientReply.Snippet(reply.Body)})");
        }

        return r.Get("RECHARGE_STATUS")?.ToUpperInvariant() switch
        {
            "INVALIDREF" => new StatusResult.NotFound(),
            "PENDING" or "PROCESSING" or "RECEIVED" => new StatusResult.Pending(),
            "SUCCESS" when IsOk(r) => new StatusResult.Succeeded(r.Get("RECHARGE_TRXID")),
            "FAILED" when IsOk(r) => new StatusResult.Failed(r.Get("MESSAGE") ?? "recharge failed"),
            null when GeneralError(r) is { } error => new StatusResult.Unknown(error),
            var other => new StatusResult.Unknown($"unexpected reply: STATUS={r.Get("STATUS")}, RECHARGE_STATUS={other}"),
        };
    }

    internal static BalanceResult InterpretBalance(UpstreamReply reply)
    {
        if (LenientReply.Parse(reply.Body) is not { } r)
        {
            return new BalanceResult.Unknown($"unreadable reply ({LenientReply.Snippet(reply.Body)})");
        }

        if (GeneralError(r) is { } error)
        {
            return new BalanceResult.Unknown(error);
        }

        return IsOk(r) && Taka.TryParsePoisha(r.Get("MAIN_BALANCE"), out var poisha)
            ? new BalanceResult.Known(poisha)
            : new BalanceResult.Unknown($"no readable MAIN_BALANCE (STATUS={r.Get("STATUS")}, MAIN_BALANCE={r.Get("MAIN_BALANCE")})");
    }

    internal static OfferPacksResult InterpretOfferPacks(UpstreamReply reply)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(reply.Body.Trim());
        }
        catch (JsonException)
        {
            var flat = LenientReply.Parse(reply.Body);
            return new OfferPacksResult.Unknown(flat is not null && GeneralError(flat) is { } error
                ? error
                : $"unreadable reply ({LenientReply.Snippet(reply.Body)})");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new OfferPacksResult.Unknown($"unreadable reply ({LenientReply.Snippet(reply.Body)})");
            }

            var flat = LenientReply.Parse(reply.Body)!;
            if (!IsOk(flat))
            {
                return new OfferPacksResult.Unknown(GeneralError(flat) ?? $"STATUS={flat.Get("STATUS")}, MESSAGE={flat.Get("MESSAGE")}");
            }

            var packs = new List<OfferPackInfo>();
            foreach (var list in root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array))
            {
                foreach (var item in list.Value.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
                {
                    if (ReadPack(item, list.Name) is { } pack)
                    {
                        packs.Add(pack);
                    }
                }
            }

            return new OfferPacksResult.Listed(packs);
        }
    }

    private static OfferPackInfo? ReadPack(JsonElement item, string listName)
    {
        string? Field(string name)
        {
            var property = item.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name.Trim(), name, StringComparison.OrdinalIgnoreCase));
            if (property.Value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return null;
            }

            var value = (property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText())?.Trim();
            return string.IsNullOrEmpty(value) || value == "-" ? null : value;
        }

        var (op, skitto) = PackOperator(Field("_operator") ?? listName);
        if (op is null || !Taka.TryParsePoisha(Field("_amount"), out var price) || price <= 0)
        {
            return null;
        }

        Taka.TryParsePoisha(Field("_commission_amount"), out var commission);
        var numberType = skitto ? NumberType.Skitto : Field("_number_type") switch
        {
            "2" => NumberType.Postpaid,
            "3" => NumberType.Skitto,
            "4" => NumberType.PowerLoad,
            _ => NumberType.Prepaid,
        };
        var offerType = Field("_offer_type")?.ToUpperInvariant() switch
        {
            "IN" => OfferType.Internet,
            "BD" => OfferType.Bundle,
            "MN" => OfferType.Minutes,
            _ => OfferType.Other,
        };
        return new OfferPackInfo(
            op.Value, numberType, offerType, price, commission,
            Field("_minute_pack"), Field("_internet_pack"), Field("_sms_pack"), Field("_callrate_pack"),
            Field("_validity"), Field("_offer_details"),
            Active: string.Equals(Field("_status"), "A", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Pack lists use letters (AR, TL), unlike MRC's digits.</summary>
    private static (MobileOperator? Operator, bool Skitto) PackOperator(string code) => code.Trim().ToUpperInvariant() switch
    {
        "GP" or "7" or "3" => (MobileOperator.Grameenphone, false),
        "SK" => (MobileOperator.Grameenphone, true),
        "BL" or "4" or "9" => (MobileOperator.Banglalink, false),
        "RB" or "8" => (MobileOperator.Robi, false),
        "AR" or "AT" or "6" => (MobileOperator.Airtel, false),
        "TL" or "TT" or "5" => (MobileOperator.Teletalk, false),
        _ => (null, false),
    };

    private static bool IsOk(IReadOnlyDictionary<string, string> r) =>
        string.Equals(r.Get("STATUS"), "OK", StringComparison.OrdinalIgnoreCase);

    /// <summary>The replies any service may give instead of its own: bad service, failed login, maintenance.</summary>
    internal static string? GeneralError(IReadOnlyDictionary<string, string> r)
    {
        var status = r.Get("STATUS")?.ToUpperInvariant();
        var message = r.Get("MESSAGE") ?? "";
        if (status == "MAINTENANCE" || message.Contains("Maintenance", StringComparison.OrdinalIgnoreCase))
        {
            return "ECARE is in maintenance mode";
        }

        if (message.Contains("INVALID SERVICE", StringComparison.OrdinalIgnoreCase))
        {
            return "ECARE does not know this service";
        }

        if (status == "INVALID" || message.Contains("Login Failed", StringComparison.OrdinalIgnoreCase))
        {
            return "ECARE login failed (check AccessId/AccessPass)";
        }

        return null;
    }
}
