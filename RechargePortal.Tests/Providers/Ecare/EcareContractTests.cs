using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RechargePortal.Providers;

namespace RechargePortal.Tests.Providers.Ecare;

/// <summary>The ECARE adapter against a real HTTP server fed the bodies of ecare-api.txt and NOTES.md.</summary>
public sealed class EcareContractTests : AdapterTestBase
{
    public static TheoryData<string, string> SubmitReplies => new()
    {
        // NOTES.md, real traffic.
        { """{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","OPERATOR":"6","NUMBER":"01602475999","AMOUNT":"20","TRXID":"E160226MRC15602022","MESSAGE":"Your Mobile Recharge Request Received."}""", "Accepted E160226MRC15602022" },
        // ecare-api.txt, the recharge response table, column by column.
        { """{"STATUS":"FAILED","RECHARGE_STATUS":"DUPLICATE","MESSAGE":"Duplicate Reference or Duplicate Recharge Request"}""", "Unknown" },
        { """{"STATUS":"FAILED","RECHARGE_STATUS":"LOWBALANCE","MESSAGE":"Insufficient Wallet Balance"}""", "Rejected safe" },
        { """{"STATUS":"FAILED","RECHARGE_STATUS":"FAILED","MESSAGE":"Recharge Request Failed."}""", "Rejected" },
        { """{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","OPERATOR":"7","NUMBER":"01700000000","AMOUNT":"10","TRXID":"MTS2336355464","MESSAGE":"Your Mobile Recharge Request Received."}""", "Accepted MTS2336355464" },
        { """{"STATUS":"FAILED","RECHARGE_STATUS":"REJECT","MESSAGE":"Sorry! Invalid Credentials."}""", "Rejected safe" },
        // The general errors any service may answer.
        { """{"STATUS":"OK","MESSAGE":"INVALID SERVICE"}""", "Rejected safe" },
        { """{"STATUS":"INVALID","MESSAGE":"Login Failed, Invalid Credential"}""", "Rejected safe" },
        { """{"STATUS":"FAILED","MESSAGE":"Login Failed"}""", "Rejected safe" },
        { """{"STATUS":"MAINTENANCE","MESSAGE":"Server Maintenance Mode Running, Try After Sometime"}""", "Rejected safe" },
        // Lenient reading.
        { "STATUS=OK\nRECHARGE_STATUS=RECEIVED\nTRXID=MTS77\nMESSAGE=Your Mobile Recharge Request Received.", "Accepted MTS77" },
        { """{"STATUS":"OK","RECHARGE_STATUS":"SOMETHING_NEW","MESSAGE":"?"}""", "Unknown" },
        // Undocumented mixes are not a refusal we can trust: unknown, so nothing is sent elsewhere.
        { """{"STATUS":"OK","RECHARGE_STATUS":"FAILED","MESSAGE":"?"}""", "Unknown" },
        { "<html><body><h1>502 Bad Gateway</h1></body></html>", "Unknown" },
        { "", "Unknown" },
        { "   ", "Unknown" },
        { "{\"STATUS\":\"OK\",\"RECHARGE_ST", "Unknown" },
    };

    [Theory]
    [MemberData(nameof(SubmitReplies))]
    public async Task A_submission_reply_becomes_the_right_result(string body, string expected)
    {
        Upstream.AnswerBody(body);

        var result = await Ecare().SubmitAsync(Recharge());

        Assert.Equal(expected, Summary(result));
    }

    [Fact]
    public async Task A_submission_is_a_GET_with_the_documented_query_and_digit_codes()
    {
        Upstream.AnswerBody("""{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","TRXID":"T1"}""");

        await Ecare().SubmitAsync(Recharge(MobileOperator.Airtel, NumberType.Prepaid, "01602475999", 2000, "RP-REF-1"));

        var seen = Assert.Single(Upstream.Requests);
        Assert.Equal("GET", seen.Method);
        Assert.Equal(EcarePath, seen.Path);
        Assert.Equal("test", seen.Query["access_id"]);
        Assert.Equal(EcarePass, seen.Query["access_pass"]);
        Assert.Equal("MRC", seen.Query["service"]);
        Assert.Equal("6", seen.Query["operator"]);
        Assert.Equal("1", seen.Query["number_type"]);
        Assert.Equal("01602475999", seen.Query["number"]);
        Assert.Equal("20", seen.Query["amount"]);
        Assert.Equal("RP-REF-1", seen.Query["refid"]);
    }

    [Theory]
    [InlineData(MobileOperator.Grameenphone, NumberType.Prepaid, "7", "1")]
    [InlineData(MobileOperator.Grameenphone, NumberType.Skitto, "7", "3")]
    [InlineData(MobileOperator.Grameenphone, NumberType.PowerLoad, "7", "4")]
    [InlineData(MobileOperator.Banglalink, NumberType.Postpaid, "4", "2")]
    [InlineData(MobileOperator.Robi, NumberType.Prepaid, "8", "1")]
    [InlineData(MobileOperator.Airtel, NumberType.Prepaid, "6", "1")]
    [InlineData(MobileOperator.Teletalk, NumberType.Prepaid, "5", "1")]
    public async Task Operators_and_number_types_are_sent_as_ECARE_digits(MobileOperator op, NumberType type, string operatorCode, string typeCode)
    {
        Upstream.AnswerBody("""{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","TRXID":"T1"}""");

        await Ecare().SubmitAsync(Recharge(op, type));

        var seen = Assert.Single(Upstream.Requests);
        Assert.Equal(operatorCode, seen.Query["operator"]);
        Assert.Equal(typeCode, seen.Query["number_type"]);
    }

    [Fact]
    public async Task A_500_on_a_submission_is_unknown_and_is_never_retried()
    {
        Upstream.AnswerBody("""{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","TRXID":"T1"}""", status: 500);

        var result = await Ecare(queryRetries: 3).SubmitAsync(Recharge());

        Assert.Equal("Unknown", Summary(result));
        Assert.Single(Upstream.Requests);
    }

    [Fact]
    public async Task A_submission_that_hangs_past_the_timeout_is_unknown_and_is_not_retried()
    {
        Upstream.Hang();
        var clock = Stopwatch.StartNew();

        var result = await Ecare(timeoutSeconds: 0.5, queryRetries: 3).SubmitAsync(Recharge());

        Assert.Equal("Unknown", Summary(result));
        Assert.Contains("no reply within", ((SubmitResult.Unknown)result).Why);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Single(Upstream.Requests);
    }

    [Fact]
    public async Task A_connection_closed_mid_reply_is_unknown_for_a_submission_and_for_a_status()
    {
        Upstream.CloseMidReply();

        Assert.Equal("Unknown", Summary(await Ecare().SubmitAsync(Recharge())));
        Assert.Equal("Unknown", Summary(await Ecare().QueryStatusAsync("RP1")));
    }

    [Fact]
    public async Task A_refused_connection_means_nothing_was_sent_so_another_provider_is_safe()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Ecare(url: $"http://127.0.0.1:{port}{EcarePath}").SubmitAsync(Recharge());

        Assert.Equal("Rejected safe", Summary(result));
    }

    [Fact]
    public async Task An_amount_with_poisha_is_refused_before_anything_is_sent()
    {
        var result = await Ecare().SubmitAsync(Recharge(poisha: 2050));

        Assert.Equal("Rejected safe", Summary(result));
        Assert.Empty(Upstream.Requests);
    }

    public static TheoryData<string, string> StatusReplies => new()
    {
        { """{"STATUS":"FAILED","RECHARGE_STATUS":"INVALIDREF","MESSAGE":"Sorry! Invalid Reference"}""", "NotFound" },
        { """{"STATUS":"OK","RECHARGE_STATUS":"PENDING","RECHARGE_TRXID":"","MESSAGE":""}""", "Pending" },
        { """{"STATUS":"OK","RECHARGE_STATUS":"FAILED","RECHARGE_TRXID":"MTS2336355464","MESSAGE":"Recharge SMS"}""", "Failed" },
        { """{"STATUS":"OK","RECHARGE_STATUS":"SUCCESS","RECHARGE_TRXID":"MTS2336355464","MESSAGE":"Recharge SMS"}""", "Succeeded MTS2336355464" },
        { """{"STATUS":"OK","RECHARGE_STATUS":"PROCESSING","RECHARGE_TRXID":"","MESSAGE":""}""", "Pending" },
        { """{"STATUS":"OK","RECHARGE_STATUS":"SUCCESS","RECHARGE_TRXID":"R260216.1635.360081","MESSAGE":"200: Recharge Tk20 to 01602475999 SUCCESS. TrxID: E160226MRC15602022. C/B Tk93.55. @ECARE"}""", "Succeeded R260216.1635.360081" },
        { """{"STATUS":"INVALID","MESSAGE":"Login Failed, Invalid Credential"}""", "Unknown" },
        { """{"STATUS":"MAINTENANCE","MESSAGE":"Server Maintenance Mode Running, Try After Sometime"}""", "Unknown" },
        { """{"STATUS":"OK","MESSAGE":"INVALID SERVICE"}""", "Unknown" },
        { "STATUS=OK\r\nRECHARGE_STATUS=SUCCESS\r\nRECHARGE_TRXID=R1", "Succeeded R1" },
        { "<!DOCTYPE html><html><body>Fatal error</body></html>", "Unknown" },
        { "", "Unknown" },
    };

    [Theory]
    [MemberData(nameof(StatusReplies))]
    public async Task A_status_reply_becomes_the_right_result(string body, string expected)
    {
        Upstream.AnswerBody(body);

        var result = await Ecare().QueryStatusAsync("43645443643");

        Assert.Equal(expected, Summary(result));
        var seen = Assert.Single(Upstream.Requests);
        Assert.Equal("MRCSTATUS", seen.Query["service"]);
        Assert.Equal("43645443643", seen.Query["refid"]);
    }

    [Fact]
    public async Task A_status_query_that_hangs_or_gets_a_500_is_unknown_after_its_retries()
    {
        Upstream.Hang();
        Assert.Equal("Unknown", Summary(await Ecare(timeoutSeconds: 0.3).QueryStatusAsync("RP1")));

        Upstream.AnswerBody("oops", status: 500);
        Assert.Equal("Unknown", Summary(await Ecare(queryRetries: 1).QueryStatusAsync("RP2")));
        Assert.Equal(3, Upstream.Requests.Count);
    }

    [Fact]
    public async Task A_status_query_retries_after_a_500_and_takes_the_next_answer()
    {
        var calls = 0;
        Upstream.Answer(context => Interlocked.Increment(ref calls) == 1
            ? TestSupport.FakeUpstream.Body("<html>503</html>", 503)(context)
            : TestSupport.FakeUpstream.Body("""{"STATUS":"OK","RECHARGE_STATUS":"SUCCESS","RECHARGE_TRXID":"R9"}""")(context));

        var result = await Ecare(queryRetries: 2).QueryStatusAsync("RP1");

        Assert.Equal("Succeeded R9", Summary(result));
        Assert.Equal(2, Upstream.Requests.Count);
    }

    public static TheoryData<string, string> BalanceReplies => new()
    {
        { """{"STATUS":"OK","MAIN_BALANCE":"3,500.00","STOCK_BALANCE":"30.00","COMMISSION_TYPE":"Prepaid","COMMISSION_RATE":"3.00","MESSAGE":"Balance Equerry Success"}""", "Balance 350000" },
        { """{"STATUS":"OK","MAIN_BALANCE":"1,234,567.89","MESSAGE":"Balance Equerry Success"}""", "Balance 123456789" },
        { """{"STATUS":"OK","MAIN_BALANCE":"93.55"}""", "Balance 9355" },
        { "STATUS=OK\nMAIN_BALANCE=3,500.00", "Balance 350000" },
        { """{"STATUS":"INVALID","MESSAGE":"Login Failed, Invalid Credential"}""", "Unknown" },
        { """{"STATUS":"OK","MAIN_BALANCE":"N/A"}""", "Unknown" },
        { "<html><body>Service Unavailable</body></html>", "Unknown" },
        { "", "Unknown" },
    };

    [Theory]
    [MemberData(nameof(BalanceReplies))]
    public async Task A_balance_reply_becomes_poisha_or_unknown(string body, string expected)
    {
        Upstream.AnswerBody(body);

        var result = await Ecare().QueryBalanceAsync();

        Assert.Equal(expected, Summary(result));
        Assert.Equal("BLCK", Assert.Single(Upstream.Requests).Query["service"]);
    }

    [Fact]
    public async Task The_offer_pack_list_is_read_in_the_shape_of_real_traffic()
    {
        Upstream.AnswerBody("""
            {"STATUS":"OK",
             "GP":[{"_operator":"GP","_number_type":"1","_offer_type":"IN","_minute_pack":"-","_internet_pack":"5 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"7 Days","_amount":"198","_commission_amount":"4.00","_status":"A","_offer_details":""}],
             "BL":[],
             "RB":[{"_operator":"RB","_number_type":"1","_offer_type":"MN","_minute_pack":"100 Min","_internet_pack":"-","_sms_pack":"-","_callrate_pack":"-","_validity":"30 Days","_amount":"116","_commission_amount":"2.00","_status":"A","_offer_details":""}],
             "AR":[{"_operator":"AR","_number_type":"1","_offer_type":"BD","_minute_pack":"50 Min","_internet_pack":"1 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"7 Days","_amount":"99","_commission_amount":"1.50","_status":"I","_offer_details":""}],
             "TL":[{"_operator":"TL","_number_type":"1","_offer_type":"IN","_minute_pack":"-","_internet_pack":"2 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"7 Days","_amount":"87","_commission_amount":"1.50","_status":"A","_offer_details":""}],
             "MESSAGE":"Offer Pack List"}
            """);

        var result = Assert.IsType<OfferPacksResult.Listed>(await Ecare().ListOfferPacksAsync());

        Assert.Equal(4, result.Packs.Count);
        var robi = Assert.Single(result.Packs, p => p.Operator == MobileOperator.Robi);
        Assert.Equal(new OfferPackInfo(MobileOperator.Robi, NumberType.Prepaid, OfferType.Minutes, 11600, 200, "100 Min", null, null, null, "30 Days", null, true), robi);
        var airtel = Assert.Single(result.Packs, p => p.Operator == MobileOperator.Airtel);
        Assert.False(airtel.Active);
        Assert.Equal(OfferType.Bundle, airtel.OfferType);
        Assert.Contains(result.Packs, p => p.Operator == MobileOperator.Teletalk && p.Internet == "2 GB" && p.CommissionPoisha == 150);
        Assert.Equal("OFFERPACK", Assert.Single(Upstream.Requests).Query["service"]);
    }

    [Theory]
    [InlineData("""{"STATUS":"MAINTENANCE","MESSAGE":"Server Maintenance Mode Running, Try After Sometime"}""")]
    [InlineData("<html>error</html>")]
    [InlineData("")]
    public async Task An_offer_pack_list_that_cannot_be_read_is_unknown(string body)
    {
        Upstream.AnswerBody(body);

        Assert.Equal("Unknown", Summary(await Ecare().ListOfferPacksAsync()));
    }

    [Fact]
    public async Task Every_call_is_in_the_call_log_with_the_password_masked()
    {
        Upstream.AnswerBody("""{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","TRXID":"T1"}""");

        await Ecare().SubmitAsync(Recharge(reference: "RP-LOG-1"));

        var call = Assert.Single(CallLog.Calls);
        Assert.Equal("Submit", call.Operation);
        Assert.Equal("RP-LOG-1", call.Reference);
        Assert.Equal(200, call.HttpStatus);
        Assert.Contains("access_pass=***", call.Request);
        Assert.DoesNotContain(EcarePass, call.Request);
        Assert.Contains("RECEIVED", call.Reply);
        Assert.StartsWith("Accepted", call.Outcome);
    }
}
