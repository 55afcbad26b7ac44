using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using RechargePortal.Components.Layout;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Security;
using RechargePortal.Tests.Localization;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

/// <summary>
/// The portal in Bangla as each role sees it in Chromium: every page of the role's drawer (and the account pages)
/// shows none of the English texts of the resource set, and a recharge typed in Bengali digits is the recharge
/// typed in Latin ones. An app of its own: it places recharges.
/// </summary>
[Collection(BanglaBrowserCollection.Name)]
public sealed partial class BanglaBrowserTests(BrowserFixture browser)
{
    private static readonly LanguageChoice Bangla = new(PortalLanguage.Bangla, BengaliDigits: true);
    private static readonly string[] AccountPages = ["/Account/Manage/ChangePassword", "/Account/Manage/TwoFactor", "/Account/Manage/Language"];

    // Names and data the tests made (not the portal's words), and names that stay as they are.
    private static readonly string[] TestData = ["Test Reseller", "Test Auditor", "Test Admin", "Portal administrator", "RechargePortal", "English", "BN-WALK", "TEST-DEPOSIT", "opening deposit"];

    private PortalAppFactory App => browser.App;

    private static string InBangla(string english) => PortalLanguage.In(Bangla, () => Ui.Text(english));

    /// <summary>
    /// English texts of the resource set that a Bangla page must not show: those whose Bangla differs, cut at their
    /// placeholders into the parts that hold a word of three letters or more (acronyms such as API are allowed).
    /// </summary>
    private static List<string> EnglishTexts()
    {
        var (english, bangla) = BanglaTests.Resources();
        return english
            .Where(e => bangla[e.Key] != e.Value)
            .SelectMany(e => Placeholder().Split(e.Value))
            .Select(part => part.Trim(' ', ':', '.', ',', '(', ')', '·', '—', '-', '…', '?', '!', '"', '\''))
            .Where(part => Word().IsMatch(part))
            .Distinct()
            .OrderByDescending(part => part.Length)
            .ToList();
    }

    /// <summary>What a person reads on the page: its text, title, and the labels, placeholders and tooltips in attributes.</summary>
    private static async Task<string> ReadableTextAsync(IPage page) =>
        await page.EvaluateAsync<string>("""
            () => {
                // Records kept as written (the audit log's details), marked lang="en", are data, not the portal's words.
                const english = [...document.querySelectorAll('body [lang=en]')];
                english.forEach(e => { e.dataset.walkDisplay = e.style.display; e.style.display = 'none'; });
                const text = [document.title, document.body.innerText,
                   ...[...document.querySelectorAll('[placeholder],[aria-label],[title],[alt]')].filter(e => !e.closest('body [lang=en]'))
                        .flatMap(e => ['placeholder', 'aria-label', 'title', 'alt'].map(a => e.getAttribute(a)).filter(v => v))].join('\n');
                english.forEach(e => e.style.display = e.dataset.walkDisplay);
                return text;
            }
            """);

    private static IEnumerable<string> EnglishOn(string text, IEnumerable<string> english, IEnumerable<string> data)
    {
        foreach (var value in data)
        {
            text = text.Replace(value, " ", StringComparison.Ordinal);
        }

        text = Email().Replace(text, " ");
        // The vendors' own offer-pack words (validity such as "7 Days") are their data.
        text = VendorValidity().Replace(text, " ");
        // Whatever the case: "0 recharges" is the "Recharges" entry left in English.
        return english.Where(e => Regex.IsMatch(text, $@"(?<![A-Za-z]){Regex.Escape(e)}(?![A-Za-z])", RegexOptions.IgnoreCase));
    }

    private async Task<(string Email, string[] Data)> AccountAsync(string role)
    {
        var email = await App.CreateUserAsync(role);
        if (role == Roles.Reseller)
        {
            var user = await App.FindUserAsync(email);
            await using var db = await App.DbAsync();
            var walletId = await db.Wallets.Where(w => w.UserId == user.Id).Select(w => w.Id).SingleAsync();
            var credit = await App.Services.GetRequiredService<WalletService>()
                .CreditAsync(await App.AdminActorAsync(), walletId, Money.FromTaka(5_000), "BN-WALK", "opening deposit", Guid.NewGuid().ToString());
            Assert.True(credit.Succeeded, credit.Problem);
        }

        return (email, TestData);
    }

    [SkippableTheory]
    [InlineData(Roles.Reseller)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Admin)]
    public async Task Every_page_of_the_role_shows_no_English_text_of_the_resource_set_in_Bangla(string role)
    {
        var page = await browser.NewPageAsync();
        var (email, data) = role == Roles.Admin ? (PortalAppFactory.AdminEmail, TestData) : await AccountAsync(role);
        var password = role == Roles.Admin ? PortalAppFactory.AdminPassword : PortalAppFactory.UserPassword;
        await BrowserFixture.SignInAsync(page, email, password);
        await BrowserFixture.WaitForInteractiveAsync(page);

        // The app bar's switch.
        await page.GetByTestId("language-switch").GetByRole(AriaRole.Button, new() { Name = "বাংলা" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "bn");
        await Assertions.Expect(page.GetByTestId("language-switch").GetByRole(AriaRole.Button, new() { Name = "English" })).ToBeVisibleAsync();

        var english = EnglishTexts();
        var paths = NavItems.All.Where(i => i.Roles.Contains(role) && !i.External && !AccountPages.Contains(i.Href)).Select(i => i.Href).Distinct().ToList();
        var found = new List<string>();
        foreach (var path in paths.Concat(AccountPages))
        {
            await page.GotoAsync(path);
            if (!path.StartsWith("/Account/", StringComparison.Ordinal))
            {
                await BrowserFixture.WaitForInteractiveAsync(page);
            }

            // Pages load their figures after the first render: wait until no progress bar or "loading" is left.
            await page.WaitForFunctionAsync("() => !document.querySelector('.mud-progress-linear, .mud-skeleton, .mud-table-loading')", null, new() { Timeout = 15_000 });
            Assert.Equal("bn", await page.Locator("html").GetAttributeAsync("lang"));
            found.AddRange(EnglishOn(await ReadableTextAsync(page), english, data).Select(e => $"{path}: \"{e}\""));
        }

        Assert.Empty(found);
    }

    [SkippableFact]
    public async Task The_sign_in_page_in_Bangla_shows_no_English_text_of_the_resource_set()
    {
        var page = await browser.NewPageAsync(360, 800);
        await page.GotoAsync("/Account/Login");
        await page.GetByRole(AriaRole.Button, new() { Name = "বাংলা" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "bn");
        Assert.Empty(EnglishOn(await ReadableTextAsync(page), EnglishTexts(), ["RechargePortal", "English"]));

        // Bad input is refused in Bangla beside its field.
        await page.GetByRole(AriaRole.Button, new() { Name = InBangla("Log in") }).ClickAsync();
        var text = await ReadableTextAsync(page);
        Assert.Empty(EnglishOn(text, EnglishTexts(), ["RechargePortal", "English"]));
    }

    [SkippableFact]
    public async Task A_recharge_typed_in_Bengali_digits_is_the_recharge_typed_in_Latin_ones()
    {
        var page = await browser.NewPageAsync(360, 800);
        var (email, _) = await AccountAsync(Roles.Reseller);
        await BrowserFixture.SignInAsync(page, email, PortalAppFactory.UserPassword);
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByTestId("language-switch").GetByRole(AriaRole.Button, new() { Name = "বাংলা" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "bn");

        await page.GotoAsync("/recharge");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳৫,০০০.০০");
        await page.GetByLabel(InBangla("Mobile number")).FillAsync("০১৭১২৩৪৫৬৭১");
        await Assertions.Expect(page.GetByTestId("operator-logo").Locator("img")).ToHaveAttributeAsync("alt", "Grameenphone");
        await page.GetByLabel(InBangla("Amount")).FillAsync("৫০");
        await page.GetByRole(AriaRole.Button, new() { Name = InBangla("Recharge"), Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByTestId("confirm-amount")).ToHaveTextAsync("৳৫০.০০");
        await dialog.GetByRole(AriaRole.Button, new() { Name = InBangla("Confirm") }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recharge-card")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳৪,৯৫০.০০");

        // The same in Latin digits, in English: the portal knows it is the same number and amount (a repeat to confirm).
        await page.GetByTestId("language-switch").GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByLabel("Mobile number").FillAsync("01712345671");
        await page.GetByLabel("Amount").FillAsync("50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Recharge", Exact = true }).ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("confirm-amount")).ToHaveTextAsync("৳50.00");
        // The portal takes it for the recharge just sent: same number, same amount.
        await Assertions.Expect(dialog.GetByTestId("duplicate-warning")).ToBeVisibleAsync();
        await dialog.GetByLabel("Yes, send it again").CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("৳4,900.00");
        var user = await App.FindUserAsync(email);
        await using var db = await App.DbAsync();
        var placed = await db.Set<RechargePortal.Features.Recharges.Recharge>().Where(r => r.ResellerId == user.Id).OrderBy(r => r.Id).Select(r => new { r.Number, r.Operator, r.NumberType, r.AmountPoisha }).ToListAsync();
        Assert.Equal(2, placed.Count);
        Assert.Equal("01712345671", placed[0].Number);
        Assert.Equal(5_000, placed[0].AmountPoisha);
        Assert.Equal(placed[0], placed[1]);
    }

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex Word();

    [GeneratedRegex(@"\b\d+ (Days?|Hours?|Min)\b")]
    private static partial Regex VendorValidity();

    [GeneratedRegex(@"[\w.+-]+@[\w.-]+")]
    private static partial Regex Email();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BanglaBrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "bangla-browser";
}
