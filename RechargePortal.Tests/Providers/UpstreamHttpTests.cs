using RechargePortal.Providers;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers;

/// <summary>
/// A submission reaches the vendor at most once per reference, whatever the wire does: a vendor that
/// records the request and drops the connection without a byte (on a new connection, or with pooled
/// query connections open beside it), or a redirect. The vendor is raw TCP (<see cref="DroppingUpstream"/>):
/// Kestrel cannot close a connection without replying.
/// </summary>
public sealed class UpstreamHttpTests : AdapterTestBase, IDisposable
{
    private readonly DroppingUpstream vendor = DroppingUpstream.Start();

    public void Dispose() => vendor.Dispose();

    public static TheoryData<ProviderKind> Vendors => [ProviderKind.Ecare, ProviderKind.Flexi];

    public static TheoryData<ProviderKind, int> Redirects => new()
    {
        { ProviderKind.Ecare, 301 },
        { ProviderKind.Ecare, 302 },
        { ProviderKind.Ecare, 307 },
        { ProviderKind.Flexi, 301 },
        { ProviderKind.Flexi, 302 },
        // Followed, a 307 or 308 would send the same form POST again, to wherever it points.
        { ProviderKind.Flexi, 307 },
        { ProviderKind.Flexi, 308 },
    };

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task A_submission_dropped_on_a_new_connection_is_unknown_and_arrived_once(ProviderKind kind)
    {
        vendor.Script(r => IsSubmission(kind, r) ? RawReply.Drop : QueryReply(kind, r));
        var request = Recharge();

        var result = await Adapter(kind).SubmitAsync(request);

        Assert.IsType<SubmitResult.Unknown>(result);
        var sent = Assert.Single(vendor.Requests);
        Assert.Equal(request.Reference, ReferenceOf(kind, sent));
        Assert.Equal(kind == ProviderKind.Ecare ? "GET" : "POST", sent.Method);
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task A_submission_dropped_while_a_pooled_query_connection_is_open_is_unknown_and_arrived_once(ProviderKind kind)
    {
        vendor.Script(r => IsSubmission(kind, r) ? RawReply.Drop : QueryReply(kind, r));
        var adapter = Adapter(kind);
        var request = Recharge();
        Assert.IsType<BalanceResult.Known>(await adapter.QueryBalanceAsync());
        Assert.IsType<BalanceResult.Known>(await adapter.QueryBalanceAsync());
        // The second query came on the first one's connection: a kept-alive, pooled connection is there to be reused.
        var pooled = Assert.Single(vendor.Requests.Select(r => r.Connection).Distinct());

        var result = await adapter.SubmitAsync(request);

        Assert.IsType<SubmitResult.Unknown>(result);
        var sent = Assert.Single(vendor.Requests, r => ReferenceOf(kind, r) == request.Reference);
        Assert.Equal(3, vendor.Requests.Count);
        Assert.NotEqual(pooled, sent.Connection);
        // Queries keep their pooled connection, untouched by the submission's fate.
        Assert.IsType<StatusResult.Pending>(await adapter.QueryStatusAsync(request.Reference));
        Assert.Equal(pooled, vendor.Requests.Last().Connection);
        Assert.Equal(2, vendor.Connections);
    }

    [Theory]
    [MemberData(nameof(Redirects))]
    public async Task A_redirected_submission_is_unknown_not_followed_and_logged_with_the_location_masked(ProviderKind kind, int status)
    {
        var location = $"{vendor.BaseUrl}/login.php?next=recharge&token={SecretOf(kind)}";
        vendor.Script(r => r.Path == "/login.php" ? RawReply.Html("<html><body>Please log in</body></html>") : RawReply.Redirect(status, location));
        var request = Recharge();

        var result = await Adapter(kind).SubmitAsync(request);

        var unknown = Assert.IsType<SubmitResult.Unknown>(result);
        var sent = Assert.Single(vendor.Requests);
        Assert.Equal(request.Reference, ReferenceOf(kind, sent));
        Assert.DoesNotContain(vendor.Requests, r => r.Path == "/login.php");
        var logged = Assert.Single(CallLog.Calls);
        Assert.Equal(status, logged.HttpStatus);
        Assert.Contains($"HTTP {status} redirect to {vendor.BaseUrl}/login.php?next=recharge&token=*** (not followed)", logged.Outcome);
        Assert.DoesNotContain(SecretOf(kind), logged.Outcome + unknown.Why);
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task A_redirected_status_query_is_unknown_and_neither_followed_nor_retried(ProviderKind kind)
    {
        var location = $"{vendor.BaseUrl}/login.php?token={SecretOf(kind)}";
        vendor.Script(r => r.Path == "/login.php" ? RawReply.Html("<html><body>Please log in</body></html>") : RawReply.Redirect(302, location));

        var result = await Adapter(kind, queryRetries: 2).QueryStatusAsync("RP-REDIRECTED-1");

        Assert.IsType<StatusResult.Unknown>(result);
        Assert.Equal("RP-REDIRECTED-1", ReferenceOf(kind, Assert.Single(vendor.Requests)));
        Assert.Contains($"redirect to {vendor.BaseUrl}/login.php?token=*** (not followed)", Assert.Single(CallLog.Calls).Outcome);
    }

    private UpstreamAdapter Adapter(ProviderKind kind, int queryRetries = 0) => kind == ProviderKind.Ecare
        ? Ecare(queryRetries: queryRetries, url: vendor.BaseUrl + EcarePath)
        : Flexi(queryRetries: queryRetries, baseUrl: vendor.BaseUrl);

    private static string SecretOf(ProviderKind kind) => kind == ProviderKind.Ecare ? EcarePass : FlexiKey;

    private static bool IsSubmission(ProviderKind kind, RawRequest r) => kind == ProviderKind.Ecare
        ? r.Query.GetValueOrDefault("service") == "MRC"
        : r.Path == "/sendapi/request";

    /// <summary>ECARE carries our reference as <c>refid</c> in the query string, Flexi as the form field <c>id</c>.</summary>
    private static string? ReferenceOf(ProviderKind kind, RawRequest r) =>
        kind == ProviderKind.Ecare ? r.Query.GetValueOrDefault("refid") : r.Form.GetValueOrDefault("id");

    private static RawReply QueryReply(ProviderKind kind, RawRequest r) => (kind, r.Query.GetValueOrDefault("service"), r.Path) switch
    {
        (ProviderKind.Ecare, "BLCK", _) => RawReply.Json("""{"STATUS":"OK","MAIN_BALANCE":"3,500.00","STOCK_BALANCE":"30.00","MESSAGE":"Balance Equerry Success"}"""),
        (ProviderKind.Ecare, "MRCSTATUS", _) => RawReply.Json("""{"STATUS":"OK","RECHARGE_STATUS":"PENDING","RECHARGE_TRXID":"","MESSAGE":""}"""),
        (ProviderKind.Flexi, _, "/sendapi/balance") => RawReply.Json("""{"success":true,"status":1,"balance":"102"}"""),
        (ProviderKind.Flexi, _, "/sendapi/status") => RawReply.Json("""{"posotion":1,"trxid":,"lastbalance":"102", "status":"0"}"""),
        _ => new RawReply(404, "<html><body>404 Not Found</body></html>"),
    };
}
