using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Api;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Api;

public sealed class ApiRateLimitTests
{
    [Fact]
    public async Task A_key_over_its_burst_gets_429_with_retry_after_and_other_keys_go_on()
    {
        using var app = new PortalAppFactory(null, new Dictionary<string, string?>
        {
            ["Api:RequestsPerSecond"] = "1",
            ["Api:Burst"] = "3",
        });
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        var reseller = await app.NewActorAsync(RechargePortal.Security.Roles.Reseller);
        var busy = (await keys.CreateAsync(reseller, new NewApiKeyForm { Name = "Busy" })).Key!;
        var quiet = (await keys.CreateAsync(reseller, new NewApiKeyForm { Name = "Quiet" })).Key!;

        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", busy);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await client.GetAsync("/api/v1/balance");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.True(statuses.Take(3).All(s => s == HttpStatusCode.OK), string.Join(",", statuses));
        Assert.NotNull(limited);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        using var body = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
        Assert.Equal(ApiProblems.TypeBase + "rate-limited", body.RootElement.GetProperty("type").GetString());

        var other = app.CreateClient();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", quiet);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/balance")).StatusCode);
    }
}
