using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RechargePortal.Features.Api;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ApiKeysBrowserTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task A_reseller_creates_a_key_uses_it_over_http_and_revokes_it()
    {
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "New API key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Shop website");
        // The test's client reaches Kestrel from loopback: the allow-list is checked against the real socket's address.
        await dialog.GetByLabel("IP allow-list (optional)").FillAsync("127.0.0.1\n::1");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        var key = (await dialog.GetByTestId("new-api-key").TextContentAsync())!.Trim();
        var secret = (await dialog.GetByTestId("new-api-signing-secret").TextContentAsync())!.Trim();
        Assert.StartsWith("rpk_", key);
        Assert.Equal(64, secret.Length);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Copy the API key" })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        // The list shows the first 8 characters, never the key.
        await Assertions.Expect(page.GetByText(key[..8] + "…")).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await page.ContentAsync());

        using var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = TestCertificate.Validation } })
        {
            BaseAddress = browser.App.KestrelAddress,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var balance = await client.GetAsync("/api/v1/balance");
        Assert.Equal(HttpStatusCode.OK, balance.StatusCode);
        Assert.Contains("\"currency\":\"BDT\"", await balance.Content.ReadAsStringAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke Shop website" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Revoked", new() { Exact = false }).First).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/balance")).StatusCode);
    }

    [SkippableFact]
    public async Task A_recharge_placed_through_the_api_shows_live_on_the_resellers_open_history_page()
    {
        var (userId, _) = await browser.App.CreateFundedResellerAsync(Money.FromTaka(500));
        var email = (await (await browser.App.DbAsync()).Users.SingleAsync(u => u.Id == userId)).Email!;
        var key = (await browser.App.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(await browser.App.ActorAsync(email), new NewApiKeyForm { Name = "Shop app" })).Key!;
        var page = await browser.NewPageAsync(360, 740);
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await page.GotoAsync("/recharges");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳500.00");

        using var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = TestCertificate.Validation } })
        {
            BaseAddress = browser.App.KestrelAddress,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.PostAsJsonAsync("/api/v1/recharges", new { reference = "app-1", number = "01912345672", amount = 60 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        // No reload: the page hears of it as of a recharge placed on the portal itself.
        await Assertions.Expect(page.GetByTestId("recharge-history").GetByText(id)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳440.00");
    }
}
