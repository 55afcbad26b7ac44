using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Providers.Sandbox;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

/// <summary>
/// The reseller's recharge form and history in Chromium, against the built-in sandbox providers
/// (a number's last digit decides: 1–6 succeed after ~3 s, 0 is rejected). The Hangfire server is
/// off in tests, so the test asks for the status checks the job would run. An app of its own:
/// recharges spend the sandbox providers' balances, which the providers page tests read.
/// </summary>
[Collection(RechargeBrowserCollection.Name)]
public sealed class RechargeBrowserTests(BrowserFixture browser)
{
    private PortalAppFactory App => browser.App;

    [SkippableFact]
    public async Task A_reseller_recharges_a_number_and_sees_it_turn_successful_and_the_balance_change_without_a_reload()
    {
        var page = await browser.NewPageAsync();
        await SetGrameenphonePrepaidRateAsync("2.5");
        var (email, userId, walletId) = await FundedResellerAsync(1_000);
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Recharge", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳1,000.00");
        // A marker that a reload would wipe.
        await page.EvaluateAsync("() => window.__sameDocument = true");

        await page.GetByLabel("Mobile number").FillAsync("+880 1712-345671");
        await Assertions.Expect(page.GetByText("Detected from prefix")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("operator-logo").Locator("img")).ToHaveAttributeAsync("alt", "Grameenphone");
        await page.GetByLabel("Amount").FillAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Recharge", Exact = true }).ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByTestId("confirm-number")).ToHaveTextAsync("01712-345671");
        await Assertions.Expect(dialog.GetByTestId("confirm-operator")).ToHaveTextAsync("Grameenphone");
        await Assertions.Expect(dialog.GetByTestId("confirm-type")).ToHaveTextAsync("Prepaid");
        await Assertions.Expect(dialog.GetByTestId("confirm-amount")).ToHaveTextAsync("৳100.00");
        await Assertions.Expect(dialog.GetByTestId("confirm-commission")).ToHaveTextAsync("+৳2.50");
        await Assertions.Expect(dialog.GetByTestId("confirm-balance")).ToHaveTextAsync("৳1,000.00");
        await Assertions.Expect(dialog.GetByTestId("confirm-balance-after")).ToHaveTextAsync("৳900.00");
        // A double click must place one recharge.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).DblClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        var card = page.GetByTestId("recharge-card");
        await Assertions.Expect(card).ToHaveCountAsync(1);
        await Assertions.Expect(card.GetByTestId("card-number")).ToHaveTextAsync("01712-345671");
        await Assertions.Expect(card.GetByTestId("card-amount")).ToHaveTextAsync("৳100.00");
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳900.00");

        var id = await SingleRechargeIdAsync(userId);
        await CheckUntilFinalAsync(id);

        await Assertions.Expect(card.GetByTestId("recharge-status")).ToHaveTextAsync("Successful");
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳902.50");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page was reloaded.");
        await using (var db = await App.DbAsync())
        {
            Assert.Equal(1, await db.Set<Recharge>().CountAsync(r => r.ResellerId == userId));
        }

        await App.AssertLedgerConsistentAsync(walletId);
    }

    [SkippableFact]
    public async Task Bad_input_shows_the_message_beside_its_field_and_places_nothing()
    {
        var page = await browser.NewPageAsync(360, 740);
        var (email, userId, walletId) = await FundedResellerAsync(500);
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GotoAsync("/recharge");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var recharge = page.GetByRole(AriaRole.Button, new() { Name = "Recharge", Exact = true });
        var number = page.GetByLabel("Mobile number");
        var amount = page.GetByLabel("Amount");

        await number.FillAsync("01712 3456");
        await amount.FillAsync("50");
        await recharge.ClickAsync();
        await Assertions.Expect(Field(page, "Mobile number")).ToContainTextAsync("A mobile number has 11 digits");

        await number.FillAsync("01212345678");
        await recharge.ClickAsync();
        await Assertions.Expect(Field(page, "Mobile number")).ToContainTextAsync("012 is not a mobile operator's prefix");

        await number.FillAsync("01712345672");
        await amount.FillAsync("99999");
        await recharge.ClickAsync();
        await Assertions.Expect(Field(page, "Amount")).ToContainTextAsync("for this operator and number type");
        await Assertions.Expect(Field(page, "Mobile number")).Not.ToContainTextAsync("prefix");

        await amount.FillAsync("12.50");
        await recharge.ClickAsync();
        await Assertions.Expect(Field(page, "Amount")).ToContainTextAsync("whole taka");

        // Skitto is Grameenphone's: chosen before the number, then a Robi number.
        await number.FillAsync("");
        await Select(page, "Number type").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Skitto" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listbox)).ToHaveCountAsync(0);
        await number.FillAsync("01812345673");
        await Assertions.Expect(page.GetByTestId("operator-logo").GetByRole(AriaRole.Img, new() { Name = "Robi" })).ToBeVisibleAsync();
        await amount.FillAsync("100");
        await recharge.ClickAsync();
        await Assertions.Expect(Field(page, "Number type")).ToContainTextAsync("Skitto numbers are Grameenphone's");

        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("recharge-card")).ToHaveCountAsync(0);
        await using var db = await App.DbAsync();
        Assert.Equal(0, await db.Set<Recharge>().CountAsync(r => r.ResellerId == userId));
        Assert.Equal(Money.FromTaka(500).Poisha, await db.Wallets.Where(w => w.Id == walletId).Select(w => w.BalancePoisha).SingleAsync());
    }

    [SkippableFact]
    public async Task A_ported_number_keeps_the_operator_the_reseller_chose()
    {
        var page = await browser.NewPageAsync();
        var (email, _, _) = await FundedResellerAsync(100);
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GotoAsync("/recharge");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByLabel("Mobile number").FillAsync("01712345674");
        await Assertions.Expect(page.GetByText("Detected from prefix")).ToBeVisibleAsync();
        await Select(page, "Operator").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Robi" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Changed by you")).ToBeVisibleAsync();
        await page.GetByLabel("Mobile number").FillAsync("01712345675");
        await Assertions.Expect(page.GetByTestId("operator-logo").Locator("img")).ToHaveAttributeAsync("alt", "Robi");

        await page.GetByLabel("Amount").FillAsync("50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Recharge", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).GetByTestId("confirm-operator")).ToHaveTextAsync("Robi");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
    }

    [SkippableFact]
    public async Task The_history_filters_on_the_server_and_updates_a_row_live()
    {
        var page = await browser.NewPageAsync(360, 740);
        var (email, userId, _) = await FundedResellerAsync(1_000);
        var actor = await ActorAsync(userId);
        var service = App.Services.GetRequiredService<RechargeService>();
        var rejected = await service.PlaceAndSendAsync(actor, new RechargeForm { Number = "01712345670", Amount = "50" }, Guid.NewGuid().ToString("N"), false);
        var pending = await service.PlaceAndSendAsync(actor, new RechargeForm { Number = "01912345672", Amount = "60" }, Guid.NewGuid().ToString("N"), false);
        Assert.True(rejected.Succeeded && pending.Succeeded);

        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GotoAsync("/recharges");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var history = page.GetByTestId("recharge-history");
        await Assertions.Expect(history.GetByText(rejected.Reference!)).ToBeVisibleAsync();
        await Assertions.Expect(history.GetByText(pending.Reference!)).ToBeVisibleAsync();
        await Assertions.Expect(history.GetByText("Failed (refunded)")).ToBeVisibleAsync();

        await page.GetByLabel("Search number").FillAsync("01912-3456");
        await Assertions.Expect(history.GetByText(rejected.Reference!)).ToHaveCountAsync(0);
        await Assertions.Expect(history.GetByText(pending.Reference!)).ToBeVisibleAsync();
        await Assertions.Expect(history.GetByTestId("recharge-status")).ToHaveTextAsync("Processing");

        await CheckUntilFinalAsync(pending.RechargeId!.Value);
        await Assertions.Expect(history.GetByTestId("recharge-status")).ToHaveTextAsync("Successful");
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳940.00");

        await page.GetByLabel("Search number").FillAsync("");
        await Select(page, "Status").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Failed (refunded)" }).ClickAsync();
        await Assertions.Expect(history.GetByText(pending.Reference!)).ToHaveCountAsync(0);
        await Assertions.Expect(history.GetByText(rejected.Reference!)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "New recharge" })).ToHaveAttributeAsync("href", "/recharge");
    }

    private static ILocator Select(IPage page, string label) =>
        page.Locator(".mud-select", new() { HasText = label }).First;

    private static ILocator Field(IPage page, string label) =>
        page.Locator(".mud-input-control").Filter(new() { Has = page.Locator("label", new() { HasText = label }) });

    private async Task<(string Email, string UserId, long WalletId)> FundedResellerAsync(long taka)
    {
        var (userId, walletId) = await App.CreateFundedResellerAsync(Money.FromTaka(taka));
        await using var db = await App.DbAsync();
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
        return (email, userId, walletId);
    }

    private async Task<Actor> ActorAsync(string userId)
    {
        await using var db = await App.DbAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        return new Actor(user.Id, user.Email!, user.SecurityStamp);
    }

    private async Task SetGrameenphonePrepaidRateAsync(string rate)
    {
        var commissions = App.Services.GetRequiredService<CommissionService>();
        var admin = await App.AdminActorAsync();
        var plan = (await commissions.ListAsync()).Single(p => p.Name == CommissionService.DefaultPlanName);
        var result = await commissions.SetRateAsync(admin, plan.Id, MobileOperator.Grameenphone, NumberType.Prepaid, rate);
        Assert.True(result.Succeeded, result.Error);
    }

    private async Task<long> SingleRechargeIdAsync(string userId)
    {
        await using var db = await App.DbAsync();
        return await db.Set<Recharge>().Where(r => r.ResellerId == userId).Select(r => r.Id).SingleAsync();
    }

    /// <summary>What the status-check job would do once the sandbox's processing time has passed (the clock moves; nobody sleeps).</summary>
    private async Task CheckUntilFinalAsync(long id)
    {
        var processor = App.Services.GetRequiredService<RechargeProcessor>();
        await processor.WhenDispatchedAsync();
        browser.Clock.Advance(SandboxUpstream.ProcessingTime);
        var outcome = await processor.CheckAsync(id, dueOnly: false);
        Assert.True(outcome is CheckOutcome.Succeeded or CheckOutcome.Failed, $"Recharge {id}: {outcome}");
    }
}

// Run by themselves once the parallel tests are done: on a two-core machine a browser, its app and other
// test hosts competing for the CPU made Blazor round trips race the next click.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RechargeBrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "recharge-browser";
}
