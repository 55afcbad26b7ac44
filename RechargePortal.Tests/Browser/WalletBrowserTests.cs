using Microsoft.Playwright;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class WalletBrowserTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task The_admin_credits_a_reseller_who_then_sees_the_new_balance_and_the_deposit_in_the_statement()
    {
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        var admin = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(admin, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await BrowserFixture.WaitForInteractiveAsync(admin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Wallets", Exact = true }).ClickAsync();

        await admin.GetByRole(AriaRole.Button, new() { Name = $"Credit {email}" }).ClickAsync();
        var dialog = admin.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Amount").FillAsync("1,250.50");
        await dialog.GetByLabel("Reference").FillAsync("BKASH-9QX2");
        await dialog.GetByLabel("Note").FillAsync("Deposit at agent point");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("balance-before")).ToHaveTextAsync("৳0.00");
        await Assertions.Expect(dialog.GetByTestId("balance-after")).ToHaveTextAsync("৳1,250.50");
        // A double click on Confirm must credit once.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).DblClickAsync();
        await Assertions.Expect(admin.GetByTestId($"balance-{email}")).ToHaveTextAsync("৳1,250.50");

        var reseller = await browser.NewPageAsync(360, 740);
        await BrowserFixture.SignInAsync(reseller, email, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(reseller);
        await reseller.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await reseller.GetByRole(AriaRole.Link, new() { Name = "My wallet" }).ClickAsync();

        await Assertions.Expect(reseller.GetByTestId("wallet-balance")).ToHaveTextAsync("৳1,250.50");
        await Assertions.Expect(reseller.GetByText("Deposit at agent point")).ToBeVisibleAsync();
        await Assertions.Expect(reseller.GetByText("BKASH-9QX2")).ToBeVisibleAsync();
        await Assertions.Expect(reseller.GetByTestId("closing")).ToHaveTextAsync("৳1,250.50");
        var user = await browser.App.FindUserAsync(email);
        await using var db = await browser.App.DbAsync();
        var walletId = db.Wallets.Single(w => w.UserId == user.Id).Id;
        Assert.Single(db.LedgerEntries.Where(e => e.WalletId == walletId));
        await browser.App.AssertLedgerConsistentAsync(walletId);
    }
}
