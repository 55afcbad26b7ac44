using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Api;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Api;

public sealed class ApiKeysTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private ApiKeyService Keys => app.Services.GetRequiredService<ApiKeyService>();

    private async Task<(Actor Reseller, ApiKeyCreation Key)> ResellerWithKeyAsync(string allowList = "", long balancePoisha = 0)
    {
        var (userId, _) = await app.CreateFundedResellerAsync(new Money(balancePoisha));
        await using var db = await app.DbAsync();
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
        var reseller = await app.ActorAsync(email);
        var created = await Keys.CreateAsync(reseller, new NewApiKeyForm { Name = "Shop website", AllowList = allowList });
        Assert.True(created.Result.Succeeded, created.Result.Problem);
        return (reseller, created);
    }

    private HttpClient ApiClient(string? key, string? address = null)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return address is null ? client : TestClientAddress.From(client, address);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ApiProblems.TypeBase + type, body.RootElement.GetProperty("type").GetString());
        Assert.Equal((int)status, body.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_new_key_is_shown_once_and_stored_only_as_its_hash()
    {
        var (reseller, created) = await ResellerWithKeyAsync("203.0.113.0/24");

        Assert.StartsWith(ApiKeySecrets.KeyPrefix, created.Key);
        Assert.True(created.Key!.Length >= 40);
        Assert.Equal(64, created.SigningSecret!.Length);
        await using var db = await app.DbAsync();
        var row = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.KeyId);
        Assert.Equal(reseller.UserId, row.UserId);
        Assert.Equal(created.Key[..8], row.Prefix);
        Assert.Equal(ApiKeySecrets.HashOf(created.Key), row.Hash);
        Assert.Equal("203.0.113.0/24", row.AllowList);
        // Neither the key nor the signing secret is anywhere in the row in plain text; the secret comes back through Data Protection.
        var stored = string.Join("|", row.Name, row.Prefix, row.Hash, row.AllowList, row.CallbackUrl, row.ProtectedSigningSecret);
        Assert.DoesNotContain(created.Key, stored);
        Assert.DoesNotContain(created.SigningSecret, stored);
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ApiKeyService.SigningSecretPurpose);
        Assert.Equal(created.SigningSecret, protector.Unprotect(row.ProtectedSigningSecret));

        // Listing shows the prefix, never the key.
        var listed = Assert.Single(await Keys.ListAsync(reseller));
        Assert.Equal(created.Key[..8], listed.Prefix);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ApiKeyCreated && e.TargetId == created.KeyId.ToString() && e.ActorId == reseller.UserId));
    }

    [Fact]
    public async Task A_sixth_active_key_is_refused_but_a_revoked_one_makes_room()
    {
        var (reseller, first) = await ResellerWithKeyAsync();
        for (var i = 2; i <= ApiKey.MaxActivePerReseller; i++)
        {
            Assert.True((await Keys.CreateAsync(reseller, new NewApiKeyForm { Name = $"Key {i}" })).Result.Succeeded);
        }

        var sixth = await Keys.CreateAsync(reseller, new NewApiKeyForm { Name = "One too many" });
        Assert.False(sixth.Result.Succeeded);
        Assert.Null(sixth.Key);
        Assert.Contains("5 active keys", sixth.Result.Problem);

        Assert.True((await Keys.RevokeAsync(reseller, first.KeyId!.Value)).Succeeded);
        Assert.True((await Keys.CreateAsync(reseller, new NewApiKeyForm { Name = "Replacement" })).Result.Succeeded);
    }

    [Fact]
    public async Task Bad_input_is_refused_beside_its_field()
    {
        var reseller = await app.NewActorAsync(Roles.Reseller);
        var result = (await Keys.CreateAsync(reseller, new NewApiKeyForm { Name = " ", AllowList = "10.0.0.1\nnope", CallbackUrl = "http://10.0.0.1/hook" })).Result;

        Assert.False(result.Succeeded);
        Assert.NotNull(result.ErrorFor(nameof(NewApiKeyForm.Name)));
        Assert.Contains("nope", result.ErrorFor(nameof(NewApiKeyForm.AllowList)));
        Assert.NotNull(result.ErrorFor(nameof(NewApiKeyForm.CallbackUrl)));
        Assert.Empty(await Keys.ListAsync(reseller));
    }

    [Fact]
    public async Task Only_resellers_make_keys()
    {
        var created = await Keys.CreateAsync(await app.AdminActorAsync(), new NewApiKeyForm { Name = "Admin key" });
        Assert.False(created.Result.Succeeded);
        Assert.Null(created.Key);
    }

    [Fact]
    public async Task The_balance_answers_with_the_keys_resellers_wallet()
    {
        var (_, key) = await ResellerWithKeyAsync(balancePoisha: 123_450);

        var response = await ApiClient(key.Key).GetAsync("/api/v1/balance");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"balance\":1234.50", json);
        using var body = JsonDocument.Parse(json);
        Assert.Equal(1234.50m, body.RootElement.GetProperty("balance").GetDecimal());
        Assert.Equal("BDT", body.RootElement.GetProperty("currency").GetString());

        await using var db = await app.DbAsync();
        Assert.NotNull(await db.ApiKeys.Where(k => k.Id == key.KeyId).Select(k => k.LastUsedAtUtc).SingleAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rpk_unknownkeyunknownkeyunknownkeyunknownkeyunk")]
    [InlineData("")]
    public async Task A_missing_or_unknown_key_is_401_problem(string? key)
    {
        var client = ApiClient(null);
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        }

        var response = await client.GetAsync("/api/v1/balance");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task An_unknown_api_address_is_a_404_problem_and_needs_a_key_first()
    {
        var (_, key) = await ResellerWithKeyAsync();

        await AssertProblemAsync(await ApiClient(key.Key).GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound, "not-found");
        await AssertProblemAsync(await ApiClient(null).GetAsync("/api/v1/no-such-thing"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_sign_in_cookie_does_not_open_the_api()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        await AssertProblemAsync(await client.GetAsync("/api/v1/balance"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once()
    {
        var (reseller, key) = await ResellerWithKeyAsync();
        var client = ApiClient(key.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/balance")).StatusCode);

        Assert.True((await Keys.RevokeAsync(reseller, key.KeyId!.Value)).Succeeded);

        await AssertProblemAsync(await client.GetAsync("/api/v1/balance"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_locked_resellers_key_is_refused_at_once()
    {
        var (reseller, key) = await ResellerWithKeyAsync();
        var client = ApiClient(key.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/balance")).StatusCode);

        var locked = await app.Services.GetRequiredService<UserAdminService>().LockAsync(await app.AdminActorAsync(), reseller.UserId);
        Assert.True(locked.Succeeded, locked.Problem);

        await AssertProblemAsync(await client.GetAsync("/api/v1/balance"), HttpStatusCode.Forbidden, "account-locked");
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", HttpStatusCode.OK)]
    [InlineData("203.0.113.7", "203.0.113.8", HttpStatusCode.Forbidden)]
    [InlineData("198.51.100.0/24", "198.51.100.77", HttpStatusCode.OK)]
    [InlineData("198.51.100.0/24", "198.51.101.77", HttpStatusCode.Forbidden)]
    [InlineData("2001:db8:1::/48", "2001:db8:1::99", HttpStatusCode.OK)]
    [InlineData("2001:db8:1::/48", "2001:db8:2::99", HttpStatusCode.Forbidden)]
    public async Task A_key_with_an_allow_list_answers_only_addresses_on_it(string allowList, string from, HttpStatusCode expected)
    {
        var (_, key) = await ResellerWithKeyAsync(allowList);

        var response = await ApiClient(key.Key, from).GetAsync("/api/v1/balance");

        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            await AssertProblemAsync(response, expected, "address-not-allowed");
        }
    }

    [Fact]
    public async Task An_admin_revokes_a_resellers_key_and_another_reseller_cannot()
    {
        var (owner, key) = await ResellerWithKeyAsync();
        var other = await app.NewActorAsync(Roles.Reseller);

        var refused = await Keys.RevokeAsync(other, key.KeyId!.Value);
        Assert.False(refused.Succeeded);
        Assert.Empty(await Keys.ListAsync(other));
        Assert.True(Assert.Single(await Keys.ListAsync(owner)).IsActive);

        var admin = await app.AdminActorAsync();
        Assert.Contains(await Keys.ListAsync(admin), k => k.Id == key.KeyId);
        var revoked = await Keys.RevokeAsync(admin, key.KeyId.Value);
        Assert.True(revoked.Succeeded, revoked.Problem);
        Assert.False(Assert.Single(await Keys.ListAsync(owner)).IsActive);

        await using var db = await app.DbAsync();
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.ApiKeyRevoked && e.TargetId == key.KeyId.ToString());
        Assert.Equal(admin.UserId, audit.ActorId);
        await AssertProblemAsync(await ApiClient(key.Key).GetAsync("/api/v1/balance"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_auditor_sees_no_keys()
    {
        var auditor = await app.NewActorAsync(Roles.Auditor);
        await Assert.ThrowsAsync<AccessRefusedException>(() => Keys.ListAsync(auditor));
    }
}
