using Microsoft.Playwright;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class RechargeLimitBrowserTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task The_admin_gives_a_reseller_a_recharge_limit_of_their_own_from_the_row_menu()
    {
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admin dashboard" })).ToBeVisibleAsync();
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Actions for {email}" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Recharge limit" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("Empty: the default, 120.");
        await dialog.GetByLabel("Recharges per minute").FillAsync("300");
        await dialog.GetByLabel("Recharges per minute").PressAsync("Tab");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByText($"{email} may place 300 recharges a minute.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId($"recharge-limit-{email}")).ToHaveTextAsync("300 recharges a minute");
        Assert.Equal(300, (await browser.App.FindUserAsync(email)).RechargesPerMinuteLimit);
    }
}
