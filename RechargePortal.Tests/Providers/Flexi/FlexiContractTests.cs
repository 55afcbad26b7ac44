using RechargePortal.Providers;

namespace RechargePortal.Tests.Providers.Flexi;

/// <summary>The Flexi adapter against a real HTTP server fed the bodies of flexi-api.md and NOTES.md.</summary>
public sealed class FlexiContractTests : AdapterTestBase
{
    public static TheoryData<string, string> SubmitReplies => new()
    {
        { """{"success":true,"status":1,"message":"Flexiload- Request Submit Successfully"}""", "Accepted" },
        { """{"success":false,"status":2,"message":"Not User"}""", "Rejected safe" },
        // A duplicate id means an earlier send arrived: trying another provider could deliver twice.
        { """{"success":false,"status":2,"message":"Duplicate id"}""", "Unknown" },
        { """{"success":"true","status":"1","message":"ok"}""", "Accepted" },
        { """{"success":true,"status":5}""", "Unknown" },
        { "<html><body>Error establishing a database connection</body></html>", "Unknown" },
        { "", "Unknown" },
    };

    [Theory]
    [MemberData(nameof(SubmitReplies))]
    public async Task A_submission_reply_becomes_the_right_result(string body, string expected)
    {
        Upstream.AnswerBody(body, contentType: "application/json");

        Assert.Equal(expected, Summary(await Flexi().SubmitAsync(Recharge())));
    }

    // A refusal known to mean nothing was recorded, in the wordings deployments use: another provider is safe.
    public static TheoryData<string> SafeRefusals =>
    [
        """{"success":false,"status":2,"message":"Not User"}""",
        """{"success":false,"status":2,"message":"NOT USER"}""",
        """{"success":false,"status":2,"message":"Invalid User"}""",
        """{"success":false,"status":2,"message":"Invalid key"}""",
        """{"success":false,"status":2,"message":"Invalid API Key!"}""",
        """{"success":false,"status":2,"message":"Invalid band-key"}""",
        """{"success":false,"status":2,"message":"Band key not matched"}""",
        """{"success":false,"status":2,"message":"Invalid refer"}""",
        """{"success":false,"status":2,"message":"Low Balance"}""",
        """{"success":false,"status":2,"message":"Insufficient balance, please recharge your account"}""",
        """{"success":false,"status":2,"message":"Invalid Number"}""",
        """{"success":false,"status":2,"message":"Invalid mobile number"}""",
        """{"success":false,"status":2,"message":"Invalid amount"}""",
        """{"success":false,"status":2,"message":"Invalid operator"}""",
        """{"success":false,"status":2,"message":"Invalid request"}""",
        """{"success":false,"status":2,"message":"Missing parameters"}""",
    ];

    [Theory]
    [MemberData(nameof(SafeRefusals))]
    public async Task A_refusal_known_to_record_nothing_is_rejected_and_safe_elsewhere(string body)
    {
        Upstream.AnswerBody(body, contentType: "application/json");

        Assert.Equal("Rejected safe", Summary(await Flexi().SubmitAsync(Recharge())));
    }

    // Any other refusal may have been recorded, and a duplicate id in any wording means an earlier send arrived: the status query decides.
    public static TheoryData<string> RefusalsThatMayHaveBeenRecorded =>
    [
        """{"success":false,"status":2,"message":"Recharge Request Failed"}""",
        """{"success":false,"status":2,"message":"Operator server busy, try again later"}""",
        """{"success":false,"status":2,"message":"Request not completed"}""",
        """{"success":false,"status":2}""",
        """{"success":false,"status":2,"message":""}""",
        """{"success":false,"status":2,"message":"Id already exists"}""",
        """{"success":false,"status":2,"message":"This id is already used"}""",
        """{"success":false,"status":2,"message":"Same id request found"}""",
        """{"success":false,"status":2,"message":"Request already submitted"}""",
        """{"success":false,"status":2,"message":"Invalid request: id already exists"}""",
        """{"success":false,"status":2,"message":"Invalid Number (same id)"}""",
        """{"success":false,"status":2,"message":"Low balance: this id was already used"}""",
    ];

    [Theory]
    [MemberData(nameof(RefusalsThatMayHaveBeenRecorded))]
    public async Task A_refusal_not_known_to_record_nothing_is_unknown(string body)
    {
        Upstream.AnswerBody(body, contentType: "application/json");

        Assert.Equal("Unknown", Summary(await Flexi().SubmitAsync(Recharge())));
    }

    [Fact]
    public async Task A_refusal_that_echoes_the_key_comes_back_with_the_key_masked()
    {
        Upstream.AnswerBody($$"""{"success":false,"status":2,"message":"Not User {{FlexiKey}}"}""");

        var result = Assert.IsType<SubmitResult.Rejected>(await Flexi().SubmitAsync(Recharge()));
        var balance = Assert.IsType<BalanceResult.Unknown>(await Flexi().QueryBalanceAsync());

        Assert.DoesNotContain(FlexiKey, result.Reason);
        Assert.DoesNotContain(FlexiKey, balance.Why);
        Assert.Contains("Not User", result.Reason);
    }

    [Fact]
    public async Task A_submission_is_a_form_POST_with_the_band_key_refer_and_service_code()
    {
        Upstream.AnswerBody("""{"success":true,"status":1,"message":"Flexiload- Request Submit Successfully"}""");

        await Flexi(refer: "portal.example.com").SubmitAsync(Recharge(MobileOperator.Robi, NumberType.Postpaid, "01812345678", 5000, "6385f4f65e16e"));

        var seen = Assert.Single(Upstream.Requests);
        Assert.Equal("POST", seen.Method);
        Assert.Equal("/sendapi/request", seen.Path);
        Assert.Equal("flexisoftwarebd", seen.Headers["band-key"]);
        Assert.Equal("portal.example.com", seen.Headers["refer"]);
        Assert.Equal("testuser", seen.Form["user"]);
        Assert.Equal(FlexiKey, seen.Form["key"]);
        Assert.Equal("01812345678", seen.Form["number"]);
        Assert.Equal("77", seen.Form["service"]);
        Assert.Equal("50", seen.Form["amount"]);
        Assert.Equal("2", seen.Form["type"]);
        Assert.Equal("6385f4f65e16e", seen.Form["id"]);
        Assert.Equal("RB", seen.Form["operator"]);
    }

    [Fact]
    public async Task Without_a_configured_refer_no_refer_header_is_sent()
    {
        Upstream.AnswerBody("""{"success":true,"status":1,"balance":"102"}""");

        await Flexi().QueryBalanceAsync();

        Assert.False(Assert.Single(Upstream.Requests).Headers.ContainsKey("refer"));
    }

    [Theory]
    [InlineData(MobileOperator.Grameenphone, NumberType.Prepaid, "GP")]
    [InlineData(MobileOperator.Grameenphone, NumberType.Skitto, "SK")]
    [InlineData(MobileOperator.Robi, NumberType.Prepaid, "RB")]
    [InlineData(MobileOperator.Airtel, NumberType.Prepaid, "AT")]
    [InlineData(MobileOperator.Banglalink, NumberType.Prepaid, "BL")]
    [InlineData(MobileOperator.Teletalk, NumberType.Prepaid, "TT")]
    public async Task Operators_are_sent_as_letters(MobileOperator op, NumberType type, string code)
    {
        Upstream.AnswerBody("""{"success":true,"status":1}""");

        await Flexi().SubmitAsync(Recharge(op, type));

        Assert.Equal(code, Assert.Single(Upstream.Requests).Form["operator"]);
    }

    [Fact]
    public async Task PowerLoad_is_refused_before_sending_since_Flexi_has_no_such_type()
    {
        Assert.Equal("Rejected safe", Summary(await Flexi().SubmitAsync(Recharge(type: NumberType.PowerLoad))));
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task A_500_a_hang_or_a_cut_connection_on_a_submission_is_unknown_and_never_retried()
    {
        Upstream.AnswerBody("""{"success":true,"status":1}""", status: 500);
        Assert.Equal("Unknown", Summary(await Flexi(queryRetries: 3).SubmitAsync(Recharge())));

        Upstream.Hang();
        Assert.Equal("Unknown", Summary(await Flexi(timeoutSeconds: 0.3, queryRetries: 3).SubmitAsync(Recharge())));

        Upstream.CloseMidReply("""{"success":tr""");
        Assert.Equal("Unknown", Summary(await Flexi(queryRetries: 3).SubmitAsync(Recharge())));

        Assert.Equal(3, Upstream.Requests.Count);
    }

    public static TheoryData<string, string> StatusReplies => new()
    {
        // flexi-api.md verbatim: unquoted value, misspelt key.
        { """{"posotion":1,"trxid":xyxsdrerr,"lastbalance":"102", "status":"1"}""", "Succeeded xyxsdrerr" },
        // Stray spaces inside and around keys.
        { """{"posotion":1,"trxid":abc123,"lastbalance":"102", " status ":"1"}""", "Succeeded abc123" },
        { """{ "posotion" : 1 , "trxid" : xyz , "lastbalance":"102" , "status " : "2" }""", "Failed" },
        { """{"posotion":1,"trxid":,"lastbalance":"102", "status":"0"}""", "Pending" },
        { """{"posotion":1,"trxid":xyxsdrerr,"lastbalance":"102", "status":"3"}""", "Pending" },
        { """{"posotion":1,"trxid":"T-9","lastbalance":"102","status":1}""", "Succeeded T-9" },
        // A refusal is not an answer about the recharge.
        { """{"success":false,"status":2,"message":"Not User"}""", "Unknown" },
        { """{"posotion":1,"trxid":xyxsdrerr}""", "Unknown" },
        { "<html><body>404</body></html>", "Unknown" },
        { "", "Unknown" },
    };

    [Theory]
    [MemberData(nameof(StatusReplies))]
    public async Task A_malformed_status_reply_is_read_anyway(string body, string expected)
    {
        Upstream.AnswerBody(body, contentType: "text/html");

        Assert.Equal(expected, Summary(await Flexi().QueryStatusAsync("6385f4f65e16e")));
        var seen = Assert.Single(Upstream.Requests);
        Assert.Equal("/sendapi/status", seen.Path);
        Assert.Equal("6385f4f65e16e", seen.Form["id"]);
    }

    // Only a reply in the status reply's own shape (trxid or posotion) is a status: refusals and other replies carry a status too.
    public static TheoryData<string> RepliesNotInTheStatusShape =>
    [
        """{"status":2,"message":"Not User"}""",
        """{"status":"1","message":"ok"}""",
        """{"status":"0"}""",
        """{"success":true,"status":1}""",
        """{"success":true,"status":1,"message":"Flexiload- Request Submit Successfully"}""",
        """{"success":true,"status":1,"balance":"102"}""",
        """{"success":true,"status":"2","message":"Recharge failed"}""",
        // "Not found" about something other than the id is not a "no such recharge".
        """{"status":2,"message":"User not found"}""",
        """{"status":2,"message":"Invalid user id"}""",
        """{"status":2,"message":"Not found"}""",
        """{"status":2,"message":"Invalid id or key"}""",
    ];

    [Theory]
    [MemberData(nameof(RepliesNotInTheStatusShape))]
    public async Task A_status_reply_without_the_status_shape_is_unknown(string body)
    {
        Upstream.AnswerBody(body, contentType: "application/json");

        Assert.Equal("Unknown", Summary(await Flexi().QueryStatusAsync("6385f4f65e16e")));
    }

    // The vendor documents no not-found reply; a refusal saying the id is unknown (the sandbox's "Invalid id") is one.
    public static TheoryData<string> RefusalsSayingTheIdIsUnknown =>
    [
        """{"success":false,"status":2,"message":"Invalid id"}""",
        """{"success":false,"status":2,"message":"INVALID ID!"}""",
        """{"success":false,"status":2,"message":"Id not found"}""",
        """{"success":false,"status":2,"message":"Transaction ID not found"}""",
        """{"success":false,"status":2,"message":"No such id"}""",
        """{"status":2,"message":"Recharge id not found"}""",
    ];

    [Theory]
    [MemberData(nameof(RefusalsSayingTheIdIsUnknown))]
    public async Task A_refusal_saying_the_id_is_unknown_is_not_found(string body)
    {
        Upstream.AnswerBody(body, contentType: "application/json");

        Assert.Equal("NotFound", Summary(await Flexi().QueryStatusAsync("6385f4f65e16e")));
    }

    [Fact]
    public async Task The_status_map_comes_from_configuration()
    {
        Upstream.AnswerBody("""{"posotion":1,"trxid":x,"lastbalance":"102", "status":"3"}""");

        var result = await Flexi(statusMap: new() { ["3"] = "Failed" }).QueryStatusAsync("id1");

        Assert.Equal("Failed", Summary(result));
    }

    [Fact]
    public async Task A_status_query_that_hangs_or_is_cut_is_unknown()
    {
        Upstream.Hang();
        Assert.Equal("Unknown", Summary(await Flexi(timeoutSeconds: 0.3).QueryStatusAsync("id1")));

        Upstream.CloseMidReply("""{"posotion":1,""");
        Assert.Equal("Unknown", Summary(await Flexi().QueryStatusAsync("id1")));
    }

    [Theory]
    [InlineData("""{"success":true,"status":1,"balance":"102"}""", "Balance 10200")]
    [InlineData("""{"success":true,"status":1,"balance":"3,500.00"}""", "Balance 350000")]
    [InlineData("""{"success":false,"status":2,"message":"Not User"}""", "Unknown")]
    [InlineData("<html></html>", "Unknown")]
    [InlineData("", "Unknown")]
    public async Task A_balance_reply_becomes_poisha_or_unknown(string body, string expected)
    {
        Upstream.AnswerBody(body);

        Assert.Equal(expected, Summary(await Flexi().QueryBalanceAsync()));
        var seen = Assert.Single(Upstream.Requests);
        Assert.Equal("/sendapi/balance", seen.Path);
        Assert.Equal("flexisoftwarebd", seen.Headers["band-key"]);
    }

    [Fact]
    public async Task A_balance_query_gets_a_500_then_retries()
    {
        Upstream.AnswerBody("busy", status: 502);

        Assert.Equal("Unknown", Summary(await Flexi(queryRetries: 1).QueryBalanceAsync()));
        Assert.Equal(2, Upstream.Requests.Count);
    }

    [Fact]
    public async Task Flexi_lists_no_offer_packs_and_logs_the_key_masked()
    {
        Upstream.AnswerBody("""{"success":true,"status":1,"balance":"102"}""");

        Assert.IsType<OfferPacksResult.NotSupported>(await Flexi().ListOfferPacksAsync());
        await Flexi().QueryBalanceAsync();

        var call = Assert.Single(CallLog.Calls);
        Assert.Contains("key=***", call.Request);
        Assert.DoesNotContain(FlexiKey, call.Request);
    }
}
