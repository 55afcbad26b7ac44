using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Recharges.Pages;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;

namespace RechargePortal.Tests.Features.Recharges.Pages;

/// <summary>The review page against the real services: it lists what waits, and a decision needs a note.</summary>
public sealed class ReviewQueuePageTests(ReviewAppFixture fixture) : IClassFixture<ReviewAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // Held, not inherited: MudBlazor's services only dispose asynchronously.
    private readonly BunitContext ctx = new();

    public async Task InitializeAsync()
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        ctx.Services.AddSingleton(fixture.Recharges);
        ctx.Services.AddSingleton(fixture.Reviews);
        ctx.Services.AddSingleton(fixture.App.Services.GetRequiredService<RechargeNotifier>());
        var admin = await fixture.App.AdminActorAsync();
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(admin.Email);
        auth.SetRoles(Roles.Admin);
        auth.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, admin.UserId),
            new Claim(ClaimTypes.Email, admin.Email),
            new Claim(Actor.SecurityStampClaim, admin.SecurityStamp ?? ""));
    }

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private static IElement Button(IRenderedComponent<ReviewQueue> page, string reference, string text) =>
        page.Find($"[data-testid='review-{reference}']").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == text);

    private static IElement NoteField(IRenderedComponent<MudDialogProvider> dialogs) =>
        dialogs.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == "Note");

    [Fact]
    public async Task The_page_lists_the_recharge_with_its_facts_and_raw_call_log()
    {
        var item = await fixture.RechargeInReviewAsync();

        var page = ctx.Render<ReviewQueue>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-testid='review-{item.Reference}']")), Wait);
        var card = page.Find($"[data-testid='review-{item.Reference}']");
        Assert.Contains("01712-345678", card.TextContent);
        Assert.Contains("Grameenphone", card.TextContent);
        Assert.Contains("৳100.00", card.TextContent);
        Assert.Contains("Pending", card.QuerySelector("[data-testid=review-checks]")!.TextContent);
        Assert.NotNull(Button(page, item.Reference, "Check status now"));
        Assert.NotNull(Button(page, item.Reference, "Mark successful"));
        Assert.NotNull(Button(page, item.Reference, "Mark failed and refund"));
    }

    [Fact]
    public async Task Mark_failed_and_refund_without_a_note_shows_the_error_beside_the_Note_field_and_changes_nothing()
    {
        var item = await fixture.RechargeInReviewAsync();
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<ReviewQueue>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-testid='review-{item.Reference}']")), Wait);

        Button(page, item.Reference, "Mark failed and refund").Click(); // not awaited: its handler waits for the dialog
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=resolve-confirm]")), Wait);
        await dialogs.Find("[data-testid=resolve-confirm]").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Write why", NoteField(dialogs).TextContent), Wait);
        Assert.Contains("mud-input-error", NoteField(dialogs).InnerHtml);
        Assert.Equal(RechargeStatus.NeedsReview, (await fixture.Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!.Status);
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }

    [Fact]
    public async Task While_the_provider_says_pending_refunding_needs_the_override_tick_then_it_is_refunded_and_leaves_the_list()
    {
        var item = await fixture.RechargeInReviewAsync();
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<ReviewQueue>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-testid='review-{item.Reference}']")), Wait);

        Button(page, item.Reference, "Mark failed and refund").Click(); // not awaited: its handler waits for the dialog
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=resolve-confirm]")), Wait);
        await NoteField(dialogs).QuerySelector("textarea")!.ChangeAsync(new() { Value = "Ecare confirmed it never arrived" });
        await dialogs.Find("[data-testid=resolve-confirm]").ClickAsync(new());

        // The provider was asked first and still says pending: nothing moves without the explicit override.
        dialogs.WaitForAssertion(() => Assert.Contains("not final (Pending)", dialogs.Find("[data-testid=resolve-override-error]").TextContent), Wait);
        Assert.Equal(RechargeStatus.NeedsReview, (await fixture.Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!.Status);
        var box = dialogs.Find("[data-testid=resolve-override]");
        await (box.TagName == "INPUT" ? box : box.QuerySelector("input")!).ChangeAsync(new() { Value = true });
        await dialogs.Find("[data-testid=resolve-confirm]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-testid='review-{item.Reference}']")), Wait);
        Assert.Equal(RechargeStatus.Failed, (await fixture.Recharges.FindAsync(await fixture.App.AdminActorAsync(), item.Id))!.Status);
        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }

    [Fact]
    public async Task A_contradiction_shows_what_correcting_it_moves_and_Correct_the_money_applies_it_once()
    {
        var item = await fixture.RechargeInReviewAsync();
        var admin = await fixture.App.AdminActorAsync();
        Assert.True((await fixture.Reviews.ResolveAsync(admin, item.Id, false, "Customer says nothing arrived", overrideAnswer: true)).Succeeded);
        await using (var db = await fixture.App.DbAsync())
        {
            // What the late check records when the provider later says it was delivered after all.
            var r = await db.Set<RechargePortal.Features.Recharges.Recharge>().Include(x => x.Attempts).SingleAsync(x => x.Id == item.Id);
            db.Add(RechargeContradiction.Record(r, r.CurrentAttempt!, true, "Succeeded (R261130.1203.1)", fixture.Time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync();
        }

        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<ReviewQueue>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-testid='review-{item.Reference}'] [data-testid=contradiction]")), Wait);
        var card = page.Find($"[data-testid='review-{item.Reference}']");
        Assert.Contains("Our books say Failed (refunded)", card.TextContent);
        Assert.Contains("Takes ৳97.50 back from the reseller", card.TextContent);
        Assert.DoesNotContain(card.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Mark failed and refund");

        Button(page, item.Reference, "Correct the money").Click(); // not awaited: its handler waits for the dialog
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=contradiction-confirm]")), Wait);
        await dialogs.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == "Note")
            .QuerySelector("textarea")!.ChangeAsync(new() { Value = "Ecare ticket 7781: delivered at 12:03" });
        await dialogs.Find("[data-testid=contradiction-confirm]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-testid='review-{item.Reference}']")), Wait);
        await using (var db = await fixture.App.DbAsync())
        {
            var kinds = await db.LedgerEntries.Where(e => e.RechargeId == item.Id).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync();
            Assert.Equal([LedgerKind.RechargeHold, LedgerKind.RechargeRefund, LedgerKind.Adjustment], kinds);
            Assert.Equal(new Money(90_250), new Money(await db.Wallets.Where(w => w.Id == item.WalletId).Select(w => w.BalancePoisha).SingleAsync()));
        }

        await fixture.App.AssertLedgerConsistentAsync(item.WalletId);
    }
}
