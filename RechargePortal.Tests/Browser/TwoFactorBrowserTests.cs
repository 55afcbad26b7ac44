using Microsoft.Playwright;
using RechargePortal.Security;
using RechargePortal.Tests.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class TwoFactorBrowserTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task A_reseller_sets_up_two_factor_through_the_pages_and_then_signs_in_with_a_code()
    {
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reseller dashboard" })).ToBeVisibleAsync();
        // A click while the circuit is still starting can open the setup page twice at once; the first makes the key
        // (a new security stamp) and the second, carrying the cookie from before, is sent to the login page.
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Two-factor sign-in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor sign-in" })).ToBeVisibleAsync();
        // The QR code is a data: image, which the CSP allows: it loads.
        await page.WaitForFunctionAsync("() => document.querySelector('img.rp-qr')?.naturalWidth > 0");
        var key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        await page.GetByLabel("Verification code").FillAsync(TwoFactorTests.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await Assertions.Expect(page.GetByTestId("two-factor-status")).ToContainTextAsync("on");

        var next = await browser.NewPageAsync(360, 740);
        await BrowserFixture.SignInAsync(next, email, PortalAppFactory.UserPassword);
        await next.WaitForURLAsync("**/Account/LoginWith2fa**");
        await next.GetByLabel("Code", new() { Exact = true }).FillAsync(TwoFactorTests.Code(key));
        await next.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

        await Assertions.Expect(next.GetByRole(AriaRole.Heading, new() { Name = "Reseller dashboard" })).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task The_admin_requires_two_factor_of_a_user_from_the_row_menu()
    {
        var email = await browser.App.CreateUserAsync(Roles.Auditor);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admin dashboard" })).ToBeVisibleAsync();
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Actions for {email}" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Require two-factor" }).ClickAsync();

        await Assertions.Expect(page.GetByText($"{email} must now sign in with two-factor.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = email }).GetByText("Required")).ToBeVisibleAsync();
        Assert.True((await browser.App.FindUserAsync(email)).RequireTwoFactor);
    }
}
