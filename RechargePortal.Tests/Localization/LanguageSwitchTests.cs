using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Localization;

/// <summary>The language switch: kept in the browser's cookie and the person's profile, taken to another device at sign-in; machines stay in English.</summary>
public sealed partial class LanguageSwitchTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string BanglaSubtitle = "রিসেলারদের মোবাইল রিচার্জ";

    private static async Task<HttpResponseMessage> SwitchAsync(HttpClient client, string fromPage, string language, string? digits = null)
    {
        var page = await client.GetStringAsync(fromPage);
        var token = Token().Match(page).Groups[1].Value;
        Assert.Contains($"action=\"{PortalLanguage.SwitchPath}\"", page);
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["language"] = language, ["returnUrl"] = fromPage };
        if (digits is not null)
        {
            form["digits"] = digits;
        }

        return await client.PostAsync(PortalLanguage.SwitchPath, new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task The_sign_in_page_switches_to_Bangla_and_back_and_remembers_it_in_the_browser()
    {
        var client = app.CreateBrowserlikeClient();
        var english = await client.GetStringAsync("/Account/Login");
        Assert.Contains("<html lang=\"en\"", english);
        Assert.Contains("lang=\"bn\"", english);
        Assert.Contains("বাংলা</span></button>", english);
        Assert.DoesNotContain(BanglaSubtitle, english);

        var switched = await SwitchAsync(client, "/Account/Login", PortalLanguage.Bangla);
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/Account/Login", switched.Headers.Location?.OriginalString);
        var cookie = Assert.Single(switched.Headers.GetValues("Set-Cookie"), c => c.Contains(PortalLanguage.CookieName, StringComparison.Ordinal));
        Assert.StartsWith("__Host-", cookie);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);

        var bangla = await client.GetStringAsync("/Account/Login");
        Assert.Contains("<html lang=\"bn\"", bangla);
        Assert.Contains(BanglaSubtitle, bangla);
        Assert.Contains("English</span></button>", bangla);

        await SwitchAsync(client, "/Account/Login", PortalLanguage.English);
        Assert.DoesNotContain(BanglaSubtitle, await client.GetStringAsync("/Account/Login"));
    }

    [Fact]
    public async Task A_foreign_return_address_goes_home_and_an_unknown_language_changes_nothing()
    {
        var client = app.CreateBrowserlikeClient();
        var page = await client.GetStringAsync("/Account/Login");
        var response = await client.PostAsync(PortalLanguage.SwitchPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value,
            ["language"] = "xx",
            ["returnUrl"] = "https://evil.example/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.DoesNotContain(BanglaSubtitle, await client.GetStringAsync("/Account/Login"));
    }

    [Fact]
    public async Task A_switch_without_the_forms_token_is_refused()
    {
        var client = app.CreateBrowserlikeClient();
        var response = await client.PostAsync(PortalLanguage.SwitchPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["language"] = "bn" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains(PortalLanguage.CookieName, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_choice_is_kept_in_the_profile_and_follows_the_person_to_another_device()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var laptop = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        await SwitchAsync(laptop, "/Account/Manage/Language", PortalLanguage.Bangla, digits: "latin");

        var user = await app.FindUserAsync(email);
        Assert.Equal(PortalLanguage.Bangla, user.Language);
        Assert.True(user.LatinDigits);

        // Another browser, no cookie yet: the sign-in brings the profile's choice.
        var phone = app.CreateBrowserlikeClient();
        Assert.DoesNotContain(BanglaSubtitle, await phone.GetStringAsync("/Account/Login"));
        var signIn = await PortalAppFactory.PostLoginAsync(phone, email, PortalAppFactory.UserPassword);
        Assert.Contains(signIn.Headers.GetValues("Set-Cookie"), c => c.Contains(PortalLanguage.CookieName + "=bn-latn", StringComparison.Ordinal));
        var settings = await phone.GetStringAsync("/Account/Manage/Language");
        Assert.Contains("ভাষা ও সংখ্যা", settings);
        Assert.Matches("value=\"latin\" checked", settings);
    }

    [Fact]
    public async Task The_statement_CSV_stays_in_English_with_Latin_digits_when_the_person_reads_Bangla()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var user = await app.FindUserAsync(email);
        await using (var db = await app.DbAsync())
        {
            var walletId = await db.Wallets.Where(w => w.UserId == user.Id).Select(w => w.Id).SingleAsync();
            var credit = await app.Services.GetRequiredService<WalletService>()
                .CreditAsync(await app.AdminActorAsync(), walletId, Money.FromTaka(1_234), "BN-CSV", "opening deposit", Guid.NewGuid().ToString());
            Assert.True(credit.Succeeded, credit.Problem);
        }

        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        await SwitchAsync(client, "/Account/Manage/Language", PortalLanguage.Bangla);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("bn-BD");

        var csv = await client.GetStringAsync("/wallet/statement.csv");
        Assert.Contains("1234", csv.Replace(",", "", StringComparison.Ordinal));
        Assert.DoesNotMatch("[\u0980-\u09FF]", csv);
        Assert.Matches("^[A-Za-z ,\"()]+\r?\n", csv);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
