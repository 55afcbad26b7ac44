using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RechargePortal.Features.Recharges;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

/// <summary>
/// Open pages end with their session: signed out in another tab, or left idle. Typing and clicking inside the page is not
/// idleness; live updates arriving on a page nobody touches are.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionBrowserTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task Signing_out_in_one_tab_ends_the_open_page_in_another_within_seconds()
    {
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        var open = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(open, email, PortalAppFactory.UserPassword);
        await Assertions.Expect(open.GetByRole(AriaRole.Heading, new() { Name = "Reseller dashboard" })).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(open);
        var other = await open.Context.NewPageAsync();
        await other.GotoAsync("/wallet");

        await other.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await other.WaitForURLAsync("**/Account/Login**");
        await open.WaitForURLAsync("**/Account/Login**", new() { Timeout = 30_000 });
        await Assertions.Expect(open.GetByRole(AriaRole.Button, new() { Name = "Log in" })).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task An_open_page_in_use_outlasts_the_idle_limit_and_ends_once_left_idle()
    {
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reseller dashboard" })).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        var shifted = TimeSpan.Zero;
        try
        {
            // 100 minutes on, the reseller moves to their wallet inside the page: no request, but activity.
            shifted += Advance(TimeSpan.FromMinutes(100));
            await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Link, new() { Name = "My wallet" }).ClickAsync(), IsActivityReport);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My wallet" })).ToBeVisibleAsync();

            // 200 minutes after the last request (reseller idle limit 120), 100 after that click: still open.
            shifted += Advance(TimeSpan.FromMinutes(100));
            await page.WaitForTimeoutAsync(3_000); // the open page is re-checked every second here
            Assert.Equal("/wallet", new Uri(page.Url).AbsolutePath);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My wallet" })).ToBeVisibleAsync();

            shifted += Advance(TimeSpan.FromMinutes(121));
            await page.WaitForURLAsync("**/Account/Login**", new() { Timeout = 30_000 });
        }
        finally
        {
            // The clock is the whole browser collection's: leave it where this test found it.
            browser.Clock.Advance(-shifted);
        }
    }

    [SkippableFact]
    public async Task An_open_page_whose_user_only_types_outlasts_the_idle_limit()
    {
        // Typing that changes nothing on the server (no bound field, no circuit event) is still the person at work.
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reseller dashboard" })).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        var shifted = TimeSpan.Zero;
        try
        {
            shifted += Advance(TimeSpan.FromMinutes(100));
            await page.RunAndWaitForResponseAsync(() => page.Keyboard.PressAsync("Shift"), IsActivityReport);

            shifted += Advance(TimeSpan.FromMinutes(100));
            await page.WaitForTimeoutAsync(3_000);
            Assert.Equal("/", new Uri(page.Url).AbsolutePath);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reseller dashboard" })).ToBeVisibleAsync();

            shifted += Advance(TimeSpan.FromMinutes(21));
            await page.WaitForURLAsync("**/Account/Login**", new() { Timeout = 30_000 });
        }
        finally
        {
            browser.Clock.Advance(-shifted);
        }
    }

    [SkippableFact]
    public async Task An_admin_dashboard_left_open_with_live_updates_ends_after_the_admin_idle_limit()
    {
        // The dashboard re-renders on every recharge change, and the browser answers each render: not the admin at work.
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admin dashboard" })).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        var notifier = browser.App.Services.GetRequiredService<RechargeNotifier>();
        var shifted = TimeSpan.Zero;
        try
        {
            // Updates every 10 minutes (admin idle limit 30), the page re-rendering each time.
            for (var i = 0; i < 4; i++)
            {
                shifted += Advance(TimeSpan.FromMinutes(10));
                notifier.Notify(new RechargeChange(0, "someone", RechargeStatus.Succeeded));
                await page.WaitForTimeoutAsync(1_500);
            }

            await page.WaitForURLAsync("**/Account/Login**", new() { Timeout = 30_000 });
        }
        finally
        {
            browser.Clock.Advance(-shifted);
        }
    }

    private static bool IsActivityReport(IResponse response) =>
        new Uri(response.Url).AbsolutePath == UserActivity.Path && response.Request.Method == "POST";

    private TimeSpan Advance(TimeSpan by)
    {
        browser.Clock.Advance(by);
        return by;
    }
}
