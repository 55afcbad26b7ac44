using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RechargePortal.Providers;
using RechargePortal.Providers.Ecare;
using RechargePortal.Providers.Flexi;
using RechargePortal.Providers.Sandbox;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers.Sandbox;

/// <summary>The real adapters, unchanged, against the built-in sandbox; time moved by hand.</summary>
public sealed class SandboxEndToEndTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 2, 16, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingCallLog callLog = new();
    private readonly IRechargeProvider ecare;
    private readonly IRechargeProvider flexi;

    public SandboxEndToEndTests()
    {
        var http = UpstreamHttp.Sandbox(new SandboxUpstream(time));
        ecare = new EcareProvider(
            new ProviderSettings { Name = "Ecare", Kind = ProviderKind.Ecare, Url = "sandbox" },
            http, callLog, time, NullLogger<EcareProvider>.Instance);
        flexi = new FlexiProvider(
            new ProviderSettings { Name = "Flexi", Kind = ProviderKind.Flexi, BaseUrl = "sandbox" },
            http, callLog, time, NullLogger<FlexiProvider>.Instance);
    }

    public static TheoryData<string, string, string, string> Outcomes => new()
    {
        // number, submit, status right away, status after the processing time
        { "01712345671", "Accepted", "Pending", "Succeeded" },
        { "01812345676", "Accepted", "Pending", "Succeeded" },
        { "01912345670", "Rejected", "NotFound", "NotFound" },
        { "01512345677", "Unknown", "Pending", "Succeeded" },
        { "01612345678", "Accepted", "Pending", "Pending" },
        { "01312345679", "Accepted", "Pending", "Failed" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task The_ECARE_adapter_gets_the_documented_outcome_for_each_last_digit(string number, string submit, string before, string after)
    {
        var reference = $"RP{Guid.NewGuid():N}"[..18];

        Assert.Equal(submit, Word(await ecare.SubmitAsync(new RechargeRequest(MobileOperator.Grameenphone, NumberType.Prepaid, number, 5000, reference))));
        Assert.Equal(before, Word(await ecare.QueryStatusAsync(reference)));
        time.Advance(SandboxUpstream.ProcessingTime);
        Assert.Equal(after, Word(await ecare.QueryStatusAsync(reference)));
    }

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task The_Flexi_adapter_gets_the_documented_outcome_for_each_last_digit(string number, string submit, string before, string after)
    {
        var reference = $"RP{Guid.NewGuid():N}"[..18];

        // The sandbox refuses in a wording known to record nothing ("Invalid Number"): safe elsewhere, unlike ECARE's plain FAILED.
        var expected = submit == "Rejected" ? "Rejected safe" : submit;
        Assert.Equal(expected, Word(await flexi.SubmitAsync(new RechargeRequest(MobileOperator.Robi, NumberType.Prepaid, number, 5000, reference))));
        // An id it never recorded is refused as "Invalid id", which the adapter reads as not found.
        Assert.Equal(before, Word(await flexi.QueryStatusAsync(reference)));
        time.Advance(SandboxUpstream.ProcessingTime);
        Assert.Equal(after, Word(await flexi.QueryStatusAsync(reference)));
    }

    [Fact]
    public async Task Balances_come_in_each_vendor_s_format_and_fall_with_accepted_recharges()
    {
        Assert.Equal(new BalanceResult.Known(SandboxUpstream.StartingBalancePoisha), await ecare.QueryBalanceAsync());
        await ecare.SubmitAsync(new RechargeRequest(MobileOperator.Airtel, NumberType.Prepaid, "01612345671", 2000, "RP-B-1"));
        Assert.Equal(new BalanceResult.Known(SandboxUpstream.StartingBalancePoisha - 2000), await ecare.QueryBalanceAsync());
        Assert.Contains(callLog.Calls, c => c.Operation == "Balance" && c.Reply!.Contains("\"49,980.00\""));

        Assert.Equal(new BalanceResult.Known(SandboxUpstream.StartingBalancePoisha), await flexi.QueryBalanceAsync());
    }

    [Fact]
    public async Task A_reused_reference_is_a_duplicate_and_so_unknown_never_a_second_recharge()
    {
        var request = new RechargeRequest(MobileOperator.Grameenphone, NumberType.Prepaid, "01712345671", 2000, "RP-DUP-1");

        Assert.IsType<SubmitResult.Accepted>(await ecare.SubmitAsync(request));
        Assert.IsType<SubmitResult.Unknown>(await ecare.SubmitAsync(request));
        Assert.Equal(new BalanceResult.Known(SandboxUpstream.StartingBalancePoisha - 2000), await ecare.QueryBalanceAsync());
    }

    [Fact]
    public async Task The_sandbox_lists_offer_packs_in_ECARE_s_shape()
    {
        var listed = Assert.IsType<OfferPacksResult.Listed>(await ecare.ListOfferPacksAsync());

        Assert.Contains(listed.Packs, p => p.Operator == MobileOperator.Robi && p.PricePoisha == 11600 && p.Minutes == "100 Min" && p.Active);
        Assert.Contains(listed.Packs, p => !p.Active);
        Assert.Contains(listed.Packs, p => p.NumberType == NumberType.Skitto);
    }

    [Fact]
    public void Sandbox_accounts_show_no_host_and_say_so()
    {
        Assert.True(ecare.IsSandbox);
        Assert.Equal("built-in sandbox", ecare.Host);
        Assert.True(flexi.IsSandbox);
    }

    private static string Word(object result) => AdapterTestBase.Summary(result).Split(' ') switch
    {
        ["Rejected", "safe"] => "Rejected safe",
        var words => words[0],
    };
}
