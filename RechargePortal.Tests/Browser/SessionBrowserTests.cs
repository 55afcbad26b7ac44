using Microsoft.Playwright;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

/// <summary>Open pages end with their session: signed out in another tab, or left idle (work inside the page is not idleness).</summary>
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
            await page.GetByRole(AriaRole.Link, new() { Name = "My wallet" }).ClickAsync();
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

    private TimeSpan Advance(TimeSpan by)
    {
        browser.Clock.Advance(by);
        return by;
    }
}
