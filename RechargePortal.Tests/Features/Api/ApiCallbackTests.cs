using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Api;
using RechargePortal.Features.Recharges;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Recharges;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Api;

/// <summary>
/// Callbacks: a recharge placed through a key with a callback URL is POSTed there, signed, when it ends or goes to
/// review — at least once, on a backoff, never by redirect, never to an internal address outside Development.
/// The receiver is a real HTTP server on loopback (allowed here by <c>Api:AllowInsecureCallbacks</c>, as in Development).
/// </summary>
public sealed class ApiCallbackTests : IAsyncLifetime
{
    private PipelineHarness h = null!;
    private FakeUpstream receiver = null!;
    private HttpClient api = null!;
    private ApiKeyCreation key = null!;

    private CallbackDeliveryService Callbacks => h.App.Services.GetRequiredService<CallbackDeliveryService>();

    public async Task InitializeAsync()
    {
        receiver = await FakeUpstream.StartAsync();
        receiver.AnswerBody("ok");
        h = await PipelineHarness.StartAsync(new() { ["Api:AllowInsecureCallbacks"] = "true", ["Api:CallbackTimeoutSeconds"] = "2" });
        (api, key) = await ClientAsync(h.Reseller, receiver.BaseUrl + "/hook");
    }

    public async Task DisposeAsync()
    {
        await h.DisposeAsync();
        await receiver.DisposeAsync();
    }

    private async Task<(HttpClient Client, ApiKeyCreation Key)> ClientAsync(Actor reseller, string callbackUrl)
    {
        var created = await h.App.Services.GetRequiredService<ApiKeyService>().CreateAsync(reseller,
            new NewApiKeyForm { Name = "Shop", CallbackUrl = callbackUrl });
        Assert.True(created.Result.Succeeded, created.Result.Problem);
        var client = h.App.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Key);
        return (client, created);
    }

    private async Task<long> PlaceThroughApiAsync(string reference = "shop-1", HttpClient? client = null)
    {
        var response = await (client ?? api).PostAsJsonAsync("/api/v1/recharges", new { reference, number = "01712345671", amount = 100 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await h.Processor.WhenDispatchedAsync();
        await using var db = await h.App.DbAsync();
        return await db.Set<Recharge>().Where(r => r.ClientReference == reference).Select(r => r.Id).SingleAsync();
    }

    private async Task<RechargeCallback> CallbackOfAsync(long rechargeId)
    {
        await using var db = await h.App.DbAsync();
        return await db.Set<RechargeCallback>().AsNoTracking().Include(c => c.AttemptLog).SingleAsync(c => c.RechargeId == rechargeId);
    }

    private static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    [Fact]
    public async Task A_delivered_recharge_is_posted_signed_retried_after_a_500_and_recorded()
    {
        var id = await PlaceThroughApiAsync();
        var answers = new Queue<int>([500, 200]);
        receiver.Answer(context => FakeUpstream.Body("", answers.Dequeue())(context));
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.SweepUntilAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(RechargeStatus.Succeeded, (await h.LoadAsync(id)).Status);

        Assert.Equal(1, await Callbacks.DeliverDueAsync());
        var failed = await CallbackOfAsync(id);
        Assert.Equal(500, failed.LastStatusCode);
        Assert.Equal(failed.AttemptLog.Single().AtUtc + TimeSpan.FromMinutes(1), failed.NextAttemptAtUtc);
        Assert.Equal(0, await Callbacks.DeliverDueAsync());

        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Callbacks.DeliverDueAsync());
        Assert.Equal(0, await Callbacks.DeliverDueAsync());

        var sent = receiver.Requests.ToList();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, r => Assert.Equal(("POST", "/hook"), (r.Method, r.Path)));
        Assert.Equal(sent[0].Body, sent[1].Body);
        foreach (var request in sent)
        {
            var timestamp = request.Headers["X-Portal-Timestamp"];
            Assert.Equal(Sign(key.SigningSecret!, timestamp, request.Body), request.Headers["X-Portal-Signature"]);
            Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        }

        Assert.Equal(h.Time.GetUtcNow().ToUnixTimeSeconds().ToString(), sent[1].Headers["X-Portal-Timestamp"]);
        using var body = JsonDocument.Parse(sent[0].Body);
        var json = body.RootElement;
        Assert.Equal("recharge.finished", json.GetProperty("event").GetString());
        Assert.StartsWith("evt_", json.GetProperty("eventId").GetString());
        Assert.Equal("successful", json.GetProperty("status").GetString());
        Assert.Equal("shop-1", json.GetProperty("reference").GetString());
        Assert.Equal(100, json.GetProperty("amount").GetInt64());
        Assert.Equal("R221126.0600.1", json.GetProperty("operatorTrxId").GetString());

        var delivered = await CallbackOfAsync(id);
        Assert.NotNull(delivered.DeliveredAtUtc);
        Assert.Null(delivered.NextAttemptAtUtc);
        Assert.Equal([500, 200], delivered.AttemptLog.OrderBy(a => a.Number).Select(a => a.StatusCode));
        var row = Assert.Single(await Callbacks.ListAsync(h.Reseller));
        Assert.Equal("Delivered", row.State);
        Assert.Equal([1, 2], row.Attempts.Select(a => a.Number));
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_tried_on_the_backoff_then_given_up()
    {
        var id = await PlaceThroughApiAsync();
        receiver.AnswerBody("down", 503);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareFailed);
        await h.SweepUntilAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(RechargeStatus.Failed, (await h.LoadAsync(id)).Status);

        var start = h.Time.GetUtcNow();
        var tries = new List<TimeSpan>();
        foreach (var wait in new[] { 0, 1, 5, 30, 120, 360, 24 * 60 })
        {
            // Just before the wait is up nothing goes out; at it, one delivery.
            h.Time.Advance(TimeSpan.FromMinutes(wait) - TimeSpan.FromSeconds(wait == 0 ? 0 : 1));
            if (wait > 0)
            {
                Assert.Equal(0, await Callbacks.DeliverDueAsync());
                h.Time.Advance(TimeSpan.FromSeconds(1));
            }

            if (await Callbacks.DeliverDueAsync() == 1)
            {
                tries.Add(h.Time.GetUtcNow() - start);
            }
        }

        Assert.Equal(6, tries.Count);
        var callback = await CallbackOfAsync(id);
        Assert.True(callback.GaveUp);
        Assert.Equal(6, callback.Attempts);
        Assert.All(callback.AttemptLog, a => Assert.Equal(503, a.StatusCode));
        using var body = JsonDocument.Parse(receiver.Requests.First().Body);
        Assert.Equal("failed", body.RootElement.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, body.RootElement.GetProperty("reason").ValueKind);
        Assert.Equal("Gave up", Assert.Single(await Callbacks.ListAsync(h.Reseller)).State);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_a_hang_is_cut_at_the_timeout_both_retried()
    {
        var id = await PlaceThroughApiAsync();
        var elsewhere = 0;
        receiver.Answer(context =>
        {
            if (context.Request.Path == "/elsewhere")
            {
                elsewhere++;
            }

            context.Response.Redirect("/elsewhere");
            return Task.CompletedTask;
        });
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.SweepUntilAsync(TimeSpan.FromMinutes(2));

        await Callbacks.DeliverDueAsync();
        var redirected = await CallbackOfAsync(id);
        Assert.Equal(302, redirected.LastStatusCode);
        Assert.Null(redirected.DeliveredAtUtc);
        Assert.NotNull(redirected.NextAttemptAtUtc);
        Assert.Equal(0, elsewhere);

        receiver.Hang();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await Callbacks.DeliverDueAsync();
        var hung = await CallbackOfAsync(id);
        Assert.Null(hung.LastStatusCode);
        Assert.Contains("No answer within 2 s", hung.LastError);
        Assert.Equal(h.Time.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(5), hung.NextAttemptAtUtc);
    }

    [Fact]
    public async Task The_reseller_can_resend_a_delivered_event_with_the_same_event_id_and_another_reseller_cannot()
    {
        var id = await PlaceThroughApiAsync();
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.SweepUntilAsync(TimeSpan.FromMinutes(2));
        await Callbacks.DeliverDueAsync();
        var callback = await CallbackOfAsync(id);

        var other = await h.App.NewActorAsync(Roles.Reseller);
        Assert.False((await Callbacks.ResendAsync(other, callback.Id)).Succeeded);
        var resent = await Callbacks.ResendAsync(h.Reseller, callback.Id);

        Assert.True(resent.Succeeded, resent.Problem);
        var sent = receiver.Requests.ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(sent[0].Body, sent[1].Body);
        var after = await CallbackOfAsync(id);
        Assert.Equal([false, true], after.AttemptLog.OrderBy(a => a.Number).Select(a => a.Resend));
        Assert.Null(after.NextAttemptAtUtc);
    }

    [Fact]
    public async Task A_recharge_placed_on_the_page_or_through_a_key_without_callback_url_calls_nobody()
    {
        var pageId = await h.PlaceAsync();
        var (bare, _) = await ClientAsync(h.Reseller, "");
        var bareId = await PlaceThroughApiAsync("no-hook", bare);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.SweepUntilAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(RechargeStatus.Succeeded, (await h.LoadAsync(bareId)).Status);

        await Callbacks.DeliverDueAsync();

        Assert.Empty(receiver.Requests);
        await using var db = await h.App.DbAsync();
        Assert.False(await db.Set<RechargeCallback>().AnyAsync(c => c.RechargeId == pageId));
        var dropped = await db.Set<RechargeCallback>().AsNoTracking().SingleAsync(c => c.RechargeId == bareId);
        Assert.Null(dropped.NextAttemptAtUtc);
        Assert.Equal(0, dropped.Attempts);
    }

    [Fact]
    public async Task A_recharge_going_to_review_then_delivered_tells_the_client_both()
    {
        var id = await PlaceThroughApiAsync();
        await h.SweepUntilAsync(TimeSpan.FromMinutes(40));
        Assert.Equal(RechargeStatus.NeedsReview, (await h.LoadAsync(id)).Status);
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        await h.SweepUntilAsync(TimeSpan.FromMinutes(90));
        Assert.Equal(RechargeStatus.Succeeded, (await h.LoadAsync(id)).Status);

        await Callbacks.DeliverDueAsync();

        var statuses = receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(2, statuses.Count);
        Assert.Equal(2, statuses.Select(s => s.GetProperty("eventId").GetString()).Distinct().Count());
        Assert.Contains(statuses, s => s.GetProperty("status").GetString() == "successful");
    }

    [Fact]
    public async Task Outside_development_a_callback_never_reaches_an_internal_address()
    {
        // Key creation refuses one outright (the address as written) ...
        await using var strict = await PipelineHarness.StartAsync();
        var keys = strict.App.Services.GetRequiredService<ApiKeyService>();
        foreach (var url in new[] { "https://127.0.0.1/hook", "https://192.168.1.10/hook", "https://[::1]/hook", "https://localhost/hook", "http://example.com/hook" })
        {
            var refused = await keys.CreateAsync(strict.Reseller, new NewApiKeyForm { Name = "Inside", CallbackUrl = url });
            Assert.False(refused.Result.Succeeded, url);
            Assert.NotNull(refused.Result.ErrorFor(nameof(NewApiKeyForm.CallbackUrl)));
        }

        // ... and the connection itself is refused to a name that resolves inside (what a DNS rebinding would do).
        using var client = new HttpClient(CallbackDeliveryService.CreateHandler(insecureAllowed: false));
        var inside = new UriBuilder(receiver.BaseUrl + "/hook") { Host = "localhost" }.Uri;
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(inside, new StringContent("{}")));
        Assert.Contains("internal address", error.Message);
        Assert.Empty(receiver.Requests);
    }
}
