using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Api;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Api;

public sealed class ApiKeyLastUsedTests
{
    [Fact]
    public async Task Last_used_is_written_at_most_once_a_minute()
    {
        var clock = new ShiftableTimeProvider();
        using var app = new PortalAppFactory(null, new Dictionary<string, string?>(), clock);
        var reseller = await app.NewActorAsync(Roles.Reseller);
        var created = await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(reseller, new NewApiKeyForm { Name = "Shop" });
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Key);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/balance")).StatusCode);
        var first = await LastUsedAsync();
        Assert.NotNull(first);

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/balance")).StatusCode);
        Assert.Equal(first, await LastUsedAsync());

        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/balance")).StatusCode);
        Assert.True(await LastUsedAsync() >= first + TimeSpan.FromMinutes(1));

        async Task<DateTime?> LastUsedAsync()
        {
            await using var db = await app.DbAsync();
            return await db.ApiKeys.Where(k => k.Id == created.KeyId).Select(k => k.LastUsedAtUtc).SingleAsync();
        }
    }
}
