using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RechargePortal.Jobs;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

/// <summary>The providers page and /offers in Chromium, against the built-in sandbox the app ships with.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProvidersBrowserTests(BrowserFixture browser)
{
    public static readonly string ScreenshotDirectory = Path.Combine(Path.GetTempPath(), "rp-screenshots");

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync();
    }

    private static Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        return page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    [SkippableFact]
    public async Task The_admin_checks_balances_and_refreshes_packs_with_the_buttons_and_the_scheduled_job_shows_up_live()
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await Assertions.Expect(page.GetByTestId("sandbox-badge")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Providers", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Providers", Exact = true })).ToBeVisibleAsync();
        var ecare = page.GetByTestId("provider-Ecare");
        var flexi = page.GetByTestId("provider-Flexi");
        await Assertions.Expect(ecare).ToContainTextAsync("built-in sandbox");

        await ecare.GetByRole(AriaRole.Button, new() { Name = "Check balance now" }).ClickAsync();
        await Assertions.Expect(ecare.GetByTestId("balance")).ToHaveTextAsync("৳50,000.00");
        await ecare.GetByRole(AriaRole.Button, new() { Name = "Refresh offer packs now" }).ClickAsync();
        // The balance snackbar may still be showing: look for the packs one.
        await Assertions.Expect(page.GetByText(new Regex(@"^Ecare: \d+ new"))).ToBeVisibleAsync();
        await Assertions.Expect(ecare).Not.ToContainTextAsync("Offer packs refreshed: never");

        // The scheduled job, run as Hangfire would: the open page updates through the notifier.
        await browser.App.Services.GetRequiredService<RefreshProviderBalancesJob>().RunAsync(CancellationToken.None);
        await Assertions.Expect(flexi.GetByTestId("balance")).ToHaveTextAsync("৳50,000.00");

        var log = page.GetByTestId("call-log");
        await Assertions.Expect(log).ToContainTextAsync("OfferPacks");
        await Assertions.Expect(log).ToContainTextAsync("Balance ৳50,000.00");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("access_pass=");
        await ShotAsync(page, "providers-desktop");

        var phone = await browser.NewPageAsync(360, 740);
        await SignInAsync(phone, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await Assertions.Expect(phone.GetByTestId("provider-balances-tile")).ToContainTextAsync("৳50,000.00");
        await ShotAsync(phone, "dashboard-phone");
        await phone.GotoAsync("/admin/providers");
        await Assertions.Expect(phone.GetByTestId("provider-Ecare").GetByTestId("balance")).ToHaveTextAsync("৳50,000.00");
        await Assertions.Expect(phone.GetByTestId("call-log")).ToContainTextAsync("Balance ৳50,000.00");
        await Assertions.Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeInViewportAsync(new() { Ratio = 1 });
        await ShotAsync(phone, "providers-phone");
    }

    [SkippableFact]
    public async Task A_reseller_sees_the_refreshed_offer_packs_and_filters_them_by_operator()
    {
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        await browser.App.Services.GetRequiredService<RefreshOfferPacksJob>().RunAsync(CancellationToken.None);
        var page = await browser.NewPageAsync();
        await SignInAsync(page, email, PortalAppFactory.UserPassword);

        await page.GetByRole(AriaRole.Link, new() { Name = "Offer packs" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Offer packs" })).ToBeVisibleAsync();
        var table = page.GetByTestId("offer-table");
        await Assertions.Expect(table).ToContainTextAsync("৳116.00");
        await Assertions.Expect(table).ToContainTextAsync("100 Min");
        await Assertions.Expect(table).ToContainTextAsync("Skitto");
        await Assertions.Expect(table).Not.ToContainTextAsync("withdrawn");
        await ShotAsync(page, "offers-desktop");

        await page.Locator(".rp-offer-filters .mud-select").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Robi", Exact = true }).ClickAsync();
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(table).ToContainTextAsync("৳2.00");

        var phone = await browser.NewPageAsync(360, 740);
        await SignInAsync(phone, email, PortalAppFactory.UserPassword);
        await phone.GotoAsync("/offers");
        await Assertions.Expect(phone.GetByTestId("offer-table")).ToContainTextAsync("৳116.00");
        await Assertions.Expect(phone.GetByTestId("sandbox-strip")).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeInViewportAsync(new() { Ratio = 1 });
        await ShotAsync(phone, "offers-phone");
    }
}
