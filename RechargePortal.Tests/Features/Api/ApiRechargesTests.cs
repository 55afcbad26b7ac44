using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Api;
using RechargePortal.Features.Offers;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Recharges;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Api;

/// <summary>
/// The recharge endpoints over HTTP against the real app (its two providers on loopback fakes): the same placement,
/// limits and wallet as the page, answered as the API's JSON and problem+json.
/// </summary>
public sealed class ApiRechargesTests : IAsyncLifetime
{
    private PipelineHarness h = null!;
    private HttpClient api = null!;

    public async Task InitializeAsync()
    {
        h = await PipelineHarness.StartAsync();
        api = await ClientForAsync(h.Reseller);
    }

    public async Task DisposeAsync() => await h.DisposeAsync();

    /// <summary>A fresh app with other settings for one test.</summary>
    private async Task RestartAsync(Dictionary<string, string?> settings)
    {
        await h.DisposeAsync();
        h = await PipelineHarness.StartAsync(settings);
        api = await ClientForAsync(h.Reseller);
    }

    private async Task<HttpClient> ClientForAsync(Actor reseller, string name = "Shop website")
    {
        var created = await h.App.Services.GetRequiredService<ApiKeyService>().CreateAsync(reseller, new NewApiKeyForm { Name = name });
        Assert.True(created.Result.Succeeded, created.Result.Problem);
        var client = h.App.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Key);
        return client;
    }

    private static object Order(string reference = "shop-123", string number = "01712345671", decimal amount = 100, string? numberType = "prepaid",
        string? op = null, long? offerPackId = null) =>
        new { reference, number, amount, numberType, @operator = op, offerPackId };

    private async Task<HttpResponseMessage> PostAsync(object body, HttpClient? client = null)
    {
        var response = await (client ?? api).PostAsJsonAsync("/api/v1/recharges", body);
        await h.Processor.WhenDispatchedAsync();
        return response;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(ApiProblems.TypeBase + type, document.RootElement.GetProperty("type").GetString());
        return document.RootElement.Clone();
    }

    private static string? FieldError(JsonElement problem, string field) =>
        problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages) ? messages[0].GetString() : null;

    private async Task<int> RechargesAsync(string? resellerId = null)
    {
        await using var db = await h.App.DbAsync();
        return await db.Set<Recharge>().CountAsync(r => r.ResellerId == (resellerId ?? h.Reseller.UserId));
    }

    [Fact]
    public async Task A_recharge_is_placed_with_202_and_read_back_by_id_by_reference_and_in_the_list()
    {
        var response = await PostAsync(Order());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var placed = await JsonAsync(response);
        var id = placed.GetProperty("id").GetString()!;
        Assert.StartsWith("RC", id);
        Assert.Equal($"/api/v1/recharges/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("shop-123", placed.GetProperty("reference").GetString());
        Assert.Equal("01712345671", placed.GetProperty("number").GetString());
        Assert.Equal("GP", placed.GetProperty("operator").GetString());
        Assert.Equal("prepaid", placed.GetProperty("numberType").GetString());
        Assert.Equal(100, placed.GetProperty("amount").GetInt64());
        Assert.Equal(2.50m, placed.GetProperty("commission").GetDecimal());
        Assert.Equal("processing", placed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, placed.GetProperty("operatorTrxId").ValueKind);
        Assert.Equal(JsonValueKind.Null, placed.GetProperty("reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, placed.GetProperty("finishedAt").ValueKind);
        Assert.Contains("\"balanceAfter\":900.00", await response.Content.ReadAsStringAsync());
        Assert.Equal(PipelineHarness.Start, placed.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());

        // The provider reports it delivered: every way of reading it shows the end.
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.SweepUntilAsync(TimeSpan.FromMinutes(3));
        foreach (var url in new[] { $"/api/v1/recharges/{id}", "/api/v1/recharges?reference=shop-123" })
        {
            var read = await api.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            var body = await JsonAsync(read);
            Assert.Equal(id, body.GetProperty("id").GetString());
            Assert.Equal("successful", body.GetProperty("status").GetString());
            Assert.Equal("R221126.0600.1", body.GetProperty("operatorTrxId").GetString());
            Assert.Equal(902.50m, body.GetProperty("balanceAfter").GetDecimal());
            Assert.NotEqual(JsonValueKind.Null, body.GetProperty("finishedAt").ValueKind);
        }

        var list = await JsonAsync(await api.GetAsync("/api/v1/recharges?status=successful"));
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(0, (await JsonAsync(await api.GetAsync("/api/v1/recharges?status=failed"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_same_reference_sent_20_times_at_once_makes_one_recharge_one_hold_and_one_upstream_call()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => api.PostAsJsonAsync("/api/v1/recharges", Order()))));
        await h.Processor.WhenDispatchedAsync();

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var ids = await Task.WhenAll(responses.Select(async r => (await JsonAsync(r)).GetProperty("id").GetString()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await RechargesAsync());
        await using (var db = await h.App.DbAsync())
        {
            Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.WalletId == h.WalletId && e.Kind == LedgerKind.RechargeHold));
        }

        Assert.Equal(1, h.SubmissionsSeenBy(h.Ecare) + h.SubmissionsSeenBy(h.Flexi));
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());
        await h.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_reference_reused_for_another_amount_is_409_and_changes_nothing()
    {
        var first = await JsonAsync(await PostAsync(Order(amount: 100)));

        var problem = await ProblemAsync(await PostAsync(Order(amount: 50)), HttpStatusCode.Conflict, "reference-conflict");

        Assert.Equal(first.GetProperty("id").GetString(), problem.GetProperty("existingId").GetString());
        Assert.Equal(1, await RechargesAsync());
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());
    }

    [Theory]
    [InlineData("""{"reference":"a b","number":"01712345671","amount":100}""", "reference")]
    [InlineData("""{"number":"01712345671","amount":100}""", "reference")]
    [InlineData("""{"reference":"r1","amount":100}""", "number")]
    [InlineData("""{"reference":"r1","number":"0171234","amount":100}""", "number")]
    [InlineData("""{"reference":"r1","number":"01712345671","amount":10.5}""", "amount")]
    [InlineData("""{"reference":"r1","number":"01712345671","amount":"fifty"}""", "amount")]
    [InlineData("""{"reference":"r1","number":"01712345671"}""", "amount")]
    [InlineData("""{"reference":"r1","number":"01712345671","amount":100,"numberType":"card"}""", "numberType")]
    [InlineData("""{"reference":"r1","number":"01812345671","amount":100,"numberType":"skitto"}""", "numberType")]
    [InlineData("""{"reference":"r1","number":"01712345671","amount":100,"operator":"XX"}""", "operator")]
    [InlineData("""{"reference":"r1","number":"01712345671","amount":100,"offerPackId":999}""", "offerPackId")]
    public async Task Invalid_input_is_400_with_the_field_and_places_nothing(string json, string field)
    {
        var response = await api.PostAsync("/api/v1/recharges", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-input");
        Assert.False(string.IsNullOrWhiteSpace(FieldError(problem, field)), problem.ToString());
        Assert.Equal(0, await RechargesAsync());
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400()
    {
        await ProblemAsync(await api.PostAsync("/api/v1/recharges", new StringContent("number=017&amount=50", Encoding.UTF8, "application/x-www-form-urlencoded")),
            HttpStatusCode.BadRequest, "invalid-input");
        await ProblemAsync(await api.PostAsync("/api/v1/recharges", new StringContent("{\"reference\":", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "invalid-input");
        Assert.Equal(0, await RechargesAsync());
    }

    [Fact]
    public async Task Money_rules_are_422_with_their_type_and_hold_nothing()
    {
        var broke = await ProblemAsync(await PostAsync(Order("r-broke", amount: 1_500)), HttpStatusCode.UnprocessableEntity, "insufficient-balance");
        Assert.Contains("৳1,000.00", FieldError(broke, "amount"));

        var tooSmall = await ProblemAsync(await PostAsync(Order("r-small", amount: 5)), HttpStatusCode.UnprocessableEntity, "amount-rule");
        Assert.NotNull(FieldError(tooSmall, "amount"));

        Assert.Equal(0, await RechargesAsync());
        Assert.Equal(Money.FromTaka(1_000), await h.BalanceAsync());
    }

    [Fact]
    public async Task The_daily_limit_is_422_daily_limit()
    {
        await RestartAsync(new() { ["Recharge:DailyCountLimit"] = "1" });
        var client = api;
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Order("r-1"), client)).StatusCode);

        await ProblemAsync(await PostAsync(Order("r-2", number: "01712345672"), client), HttpStatusCode.UnprocessableEntity, "daily-limit");
        Assert.Equal(1, await RechargesAsync(h.Reseller.UserId));
    }

    [Fact]
    public async Task Past_the_recharges_per_minute_limit_is_429_with_retry_after()
    {
        await RestartAsync(new() { ["RateLimits:RechargesPerResellerPerMinute"] = "1" });
        var client = api;
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Order("r-1"), client)).StatusCode);

        var response = await PostAsync(Order("r-2", number: "01712345672"), client);

        await ProblemAsync(response, HttpStatusCode.TooManyRequests, "recharge-rate-limited");
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        // A repeat of the placed one is still answered: it is not an attempt.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Order("r-1"), client)).StatusCode);
    }

    [Fact]
    public async Task A_locked_reseller_is_refused_at_once_and_another_resellers_recharge_is_not_found()
    {
        var placed = await JsonAsync(await PostAsync(Order()));
        var (otherId, _) = await h.App.CreateFundedResellerAsync(Money.FromTaka(100));
        var other = await ClientForAsync(await h.App.ActorAsync((await h.App.DbAsync()).Users.Single(u => u.Id == otherId).Email!));

        await ProblemAsync(await other.GetAsync($"/api/v1/recharges/{placed.GetProperty("id").GetString()}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await other.GetAsync("/api/v1/recharges?reference=shop-123"), HttpStatusCode.NotFound, "not-found");

        Assert.True((await h.App.Services.GetRequiredService<UserAdminService>().LockAsync(await h.App.AdminActorAsync(), h.Reseller.UserId)).Succeeded);
        await ProblemAsync(await PostAsync(Order("after-lock", number: "01712345672")), HttpStatusCode.Forbidden, "account-locked");
        await ProblemAsync(await api.GetAsync($"/api/v1/recharges/{placed.GetProperty("id").GetString()}"), HttpStatusCode.Forbidden, "account-locked");
        Assert.Equal(1, await RechargesAsync());
    }

    [Fact]
    public async Task The_list_pages_newest_first_and_refuses_a_bad_filter()
    {
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Order($"r-{i}", number: $"0171234567{i}"))).StatusCode);
        }

        var first = await JsonAsync(await api.GetAsync("/api/v1/recharges?pageSize=2"));
        var second = await JsonAsync(await api.GetAsync("/api/v1/recharges?pageSize=2&page=2"));

        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(["r-3", "r-2"], first.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("reference").GetString()));
        Assert.Equal(["r-1"], second.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("reference").GetString()));
        var today = DhakaDay(PipelineHarness.Start);
        Assert.Equal(3, (await JsonAsync(await api.GetAsync($"/api/v1/recharges?from={today}&to={today}"))).GetProperty("total").GetInt32());
        Assert.Equal(0, (await JsonAsync(await api.GetAsync($"/api/v1/recharges?from={DhakaDay(PipelineHarness.Start.AddDays(1))}"))).GetProperty("total").GetInt32());

        var bad = await ProblemAsync(await api.GetAsync("/api/v1/recharges?status=done&pageSize=500&from=30-11-2026"), HttpStatusCode.BadRequest, "invalid-input");
        Assert.NotNull(FieldError(bad, "status"));
        Assert.NotNull(FieldError(bad, "pageSize"));
        Assert.NotNull(FieldError(bad, "from"));
    }

    private static string DhakaDay(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(6)).ToString("yyyy-MM-dd");

    [Fact]
    public async Task Offers_list_the_active_packs_and_a_pack_is_bought_by_its_id_at_its_price()
    {
        h.EcareOffers = FakeUpstream.Body("""
            {"STATUS":"OK","GP":[{"_operator":"GP","_number_type":"1","_offer_type":"IN","_minute_pack":"-","_internet_pack":"5 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"7 Days","_amount":"198","_commission_amount":"4.00","_status":"A","_offer_details":""}],"MESSAGE":"ok"}
            """);
        Assert.True((await h.App.Services.GetRequiredService<OfferPackService>().RefreshAsync("Ecare")).Succeeded);

        var offers = await JsonAsync(await api.GetAsync("/api/v1/offers?operator=GP"));
        var pack = Assert.Single(offers.EnumerateArray());
        Assert.Equal("GP", pack.GetProperty("operator").GetString());
        Assert.Equal("prepaid", pack.GetProperty("numberType").GetString());
        Assert.Equal(198m, pack.GetProperty("price").GetDecimal());
        Assert.Equal("7 Days", pack.GetProperty("validity").GetString());
        Assert.Contains("5 GB", pack.GetProperty("title").GetString());
        Assert.Empty((await JsonAsync(await api.GetAsync("/api/v1/offers?operator=BL"))).EnumerateArray());
        await ProblemAsync(await api.GetAsync("/api/v1/offers?operator=Grameen"), HttpStatusCode.BadRequest, "invalid-input");
        var packId = pack.GetProperty("id").GetInt64();

        var wrongPrice = await ProblemAsync(await PostAsync(Order("pack-1", amount: 199, offerPackId: packId)), HttpStatusCode.BadRequest, "invalid-input");
        Assert.Contains("৳198.00", FieldError(wrongPrice, "offerPackId"));
        var bought = await PostAsync(Order("pack-1", amount: 198, offerPackId: packId));

        Assert.Equal(HttpStatusCode.Accepted, bought.StatusCode);
        await using var db = await h.App.DbAsync();
        Assert.Contains("5 GB", (await db.Set<Recharge>().SingleAsync(r => r.ClientReference == "pack-1")).OfferPack);
    }

    [Theory]
    [InlineData("01712345678", "GP", "01712345678")]
    [InlineData("+8801912345678", "BL", "01912345678")]
    [InlineData("01812345678", "RB", "01812345678")]
    public async Task Detect_names_the_operator_of_a_number(string number, string op, string normalized)
    {
        var body = await JsonAsync(await api.GetAsync($"/api/v1/operators/detect?number={Uri.EscapeDataString(number)}"));

        Assert.Equal(op, body.GetProperty("operator").GetString());
        Assert.Equal(normalized, body.GetProperty("number").GetString());
    }

    [Fact]
    public async Task Detect_refuses_what_is_not_a_mobile_number()
    {
        var problem = await ProblemAsync(await api.GetAsync("/api/v1/operators/detect?number=12345"), HttpStatusCode.BadRequest, "invalid-input");
        Assert.NotNull(FieldError(problem, "number"));
    }
}
