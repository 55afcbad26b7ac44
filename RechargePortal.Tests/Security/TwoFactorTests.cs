using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Users;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>
/// Two-factor sign-in with an authenticator app, over HTTP against the real app: the codes are computed here
/// from the key the page shows, as an authenticator app would.
/// </summary>
public sealed partial class TwoFactorTests(TwoFactorTests.App app) : IClassFixture<TwoFactorTests.App>
{
    /// <summary>Wrong passwords and codes counted as in production (max 5); admins not forced (the suite's default).</summary>
    public sealed class App() : PortalAppFactory(null, new Dictionary<string, string?> { ["Security:MaxFailedLogins"] = "5" });

    private const string SetupPage = "/Account/Manage/TwoFactor";

    [Fact]
    public async Task Enrolment_shows_the_key_refuses_a_wrong_code_beside_the_field_and_a_right_code_turns_it_on_with_ten_recovery_codes()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        var page = await client.GetStringAsync(SetupPage);
        var key = SharedKey(page);
        Assert.Matches("^[A-Z2-7]{32}$", key);
        Assert.Matches(@"data-testid=""authenticator-key"">(\w{4} ){7}\w{4}<", page);
        Assert.Contains("src=\"data:image/png;base64,", page);
        Assert.Contains("Verification code", AccountForms.FieldText(page, "Input.Code"));

        var wrong = await PostEnableAsync(client, WrongCode(key));

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var wrongPage = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("That code is not correct", AccountForms.FieldText(wrongPage, "Input.Code"));
        Assert.DoesNotContain("recovery-codes", wrongPage);
        Assert.False((await app.FindUserAsync(email)).TwoFactorEnabled);

        var right = await PostEnableAsync(client, Code(key));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var codes = RecoveryCodes(await right.Content.ReadAsStringAsync());
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.True((await app.FindUserAsync(email)).TwoFactorEnabled);
        // Shown once: the page afterwards has neither the codes nor the key.
        var after = await client.GetStringAsync(SetupPage);
        Assert.DoesNotContain("data-testid=\"recovery-codes\"", after);
        Assert.DoesNotContain("authenticator-key", after);
        Assert.Contains("Recovery codes left: 10", after);
    }

    [Fact]
    public async Task Opening_the_set_up_page_makes_the_key_without_ending_the_sessions_other_tabs_hold()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        var stampBefore = (await app.FindUserAsync(email)).SecurityStamp;

        var first = await client.GetStringAsync(SetupPage);
        var second = await client.GetStringAsync(SetupPage);

        // A second tab (or a double click) carries the cookie from before the key was made: it must stay valid.
        Assert.Equal(stampBefore, (await app.FindUserAsync(email)).SecurityStamp);
        Assert.Equal(SharedKey(first), SharedKey(second));
    }

    [Fact]
    public async Task With_two_factor_on_the_password_leads_to_a_second_step_and_the_right_code_signs_in_to_the_ReturnUrl()
    {
        var (email, key, _) = await EnrolledResellerAsync();
        var client = app.CreateBrowserlikeClient();

        var login = await PortalAppFactory.PostLoginAsync(client, email, PortalAppFactory.UserPassword, "/Account/Login?ReturnUrl=%2Fwallet");

        var secondStep = PathOf(login);
        Assert.StartsWith("/Account/LoginWith2fa", secondStep);
        // Not signed in yet: the password alone opens nothing.
        Assert.StartsWith("/Account/Login", PathOf(await client.GetAsync("/wallet")));
        var page = await client.GetStringAsync(secondStep);
        Assert.Contains("Code", AccountForms.FieldText(page, "Input.Code"));
        Assert.Contains("Remember this device", page);

        var signedIn = await PostCodeAsync(client, secondStep, Code(key));

        Assert.Equal("/wallet", PathOf(signedIn));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wallet")).StatusCode);
        Assert.NotNull((await app.FindUserAsync(email)).LastLoginAtUtc);
    }

    [Fact]
    public async Task Wrong_codes_count_towards_the_lockout_and_a_locked_account_gets_the_same_message_as_a_wrong_code()
    {
        var (email, key, recoveryCodes) = await EnrolledResellerAsync();
        var client = app.CreateBrowserlikeClient();
        var secondStep = PathOf(await PortalAppFactory.PostLoginAsync(client, email, PortalAppFactory.UserPassword));

        var first = await PostCodeAsync(client, secondStep, WrongCode(key));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var wrongPage = Normalize(await first.Content.ReadAsStringAsync());
        Assert.Contains("That code was not accepted.", wrongPage);
        Assert.Equal(1, (await app.FindUserAsync(email)).AccessFailedCount);

        for (var attempt = 2; attempt <= 5; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostCodeAsync(client, secondStep, WrongCode(key))).StatusCode);
        }

        Assert.True((await app.FindUserAsync(email)).LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10));
        var lockedRight = await PostCodeAsync(client, secondStep, Code(key));

        // No redirect to /Account/Lockout: after a right password that would tell the lock.
        Assert.Equal(HttpStatusCode.OK, lockedRight.StatusCode);
        Assert.Equal(wrongPage, Normalize(await lockedRight.Content.ReadAsStringAsync()));
        Assert.DoesNotContain("locked", wrongPage, StringComparison.OrdinalIgnoreCase);
        // A recovery code does not get round the lock either.
        var lockedRecovery = await PostRecoveryCodeAsync(client, recoveryCodes[0]);
        Assert.Equal(HttpStatusCode.OK, lockedRecovery.StatusCode);
        Assert.Contains("That code was not accepted.", await lockedRecovery.Content.ReadAsStringAsync());
        Assert.StartsWith("/Account/Login", PathOf(await client.GetAsync("/")));
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_and_is_refused_the_second_time()
    {
        var (email, _, recoveryCodes) = await EnrolledResellerAsync();

        var first = app.CreateBrowserlikeClient();
        await PortalAppFactory.PostLoginAsync(first, email, PortalAppFactory.UserPassword);
        var used = await PostRecoveryCodeAsync(first, recoveryCodes[0]);

        Assert.Equal("/", PathOf(used));
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/")).StatusCode);

        var second = app.CreateBrowserlikeClient();
        await PortalAppFactory.PostLoginAsync(second, email, PortalAppFactory.UserPassword);
        var again = await PostRecoveryCodeAsync(second, recoveryCodes[0]);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("That code was not accepted.", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, (await app.FindUserAsync(email)).AccessFailedCount);
        Assert.Equal("/", PathOf(await PostRecoveryCodeAsync(second, recoveryCodes[1])));
    }

    [Fact]
    public async Task Remember_this_device_skips_the_second_step_at_the_next_sign_in_on_that_browser_only()
    {
        var (email, key, _) = await EnrolledResellerAsync();
        var client = app.CreateBrowserlikeClient();
        var secondStep = PathOf(await PortalAppFactory.PostLoginAsync(client, email, PortalAppFactory.UserPassword));
        var signedIn = await PostCodeAsync(client, secondStep, Code(key), rememberDevice: true);
        Assert.Equal("/", PathOf(signedIn));
        var remembered = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-RechargePortal.TwoFactorRememberMe=", StringComparison.Ordinal));
        var expires = DateTimeOffset.Parse(RememberExpiresPattern().Match(remembered).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));

        await SignOutAsync(client);
        Assert.StartsWith("/Account/Login", PathOf(await client.GetAsync("/")));
        var again = await PortalAppFactory.PostLoginAsync(client, email, PortalAppFactory.UserPassword);

        Assert.Equal("/", PathOf(again));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        var otherBrowser = await PortalAppFactory.PostLoginAsync(app.CreateBrowserlikeClient(), email, PortalAppFactory.UserPassword);
        Assert.StartsWith("/Account/LoginWith2fa", PathOf(otherBrowser));
    }

    [Fact]
    public async Task An_admin_without_two_factor_is_sent_to_set_it_up_before_an_admin_page_and_opens_it_afterwards()
    {
        await using var forced = new PortalAppFactory(null, new Dictionary<string, string?> { ["Security:RequireAdminTwoFactor"] = "true" });
        var client = await forced.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        Assert.Equal(SetupPage, PathOf(await client.GetAsync("/admin/users")));
        Assert.Equal(SetupPage, PathOf(await client.GetAsync("/")));
        Assert.Equal(SetupPage, PathOf(await client.GetAsync("/reports/transactions.csv")));
        // What setting it up needs stays open: the Account pages, static assets, /health.
        var setup = await client.GetStringAsync(SetupPage);
        Assert.Contains("Your account must use two-factor sign-in", setup);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Manage/ChangePassword")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/assets/css/portal.css")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/_framework/blazor.web.js")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, (await client.GetAsync("/health")).StatusCode);
        // A reseller of the same portal is not forced.
        var reseller = await forced.SignedInClientAsync(await forced.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await reseller.GetAsync("/wallet")).StatusCode);

        var key = SharedKey(setup);
        Assert.Equal(HttpStatusCode.OK, (await PostEnableAsync(client, Code(key))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);
        // And the admin's next sign-in asks for the code.
        var next = await PortalAppFactory.PostLoginAsync(forced.CreateBrowserlikeClient(), PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        Assert.StartsWith("/Account/LoginWith2fa", PathOf(next));
    }

    [Fact]
    public async Task An_admin_can_require_two_factor_of_one_user_whose_session_ends_who_is_then_sent_to_set_it_up_and_cannot_turn_it_off()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var user = await app.FindUserAsync(email);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wallet")).StatusCode);
        var users = app.Services.GetRequiredService<UserAdminService>();

        var required = await users.SetTwoFactorRequiredAsync(await app.AdminActorAsync(), user.Id, true);

        Assert.True(required.Succeeded, required.Problem);
        Assert.Contains(await users.ListAsync(), row => row.Id == user.Id && row.RequireTwoFactor && !row.TwoFactorEnabled);
        // The open session ends (open pages navigate inside their circuit, past the per-request check); signed in again, the user must set it up.
        Assert.StartsWith("/Account/Login", PathOf(await client.GetAsync("/wallet")));
        client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        Assert.Equal(SetupPage, PathOf(await client.GetAsync("/wallet")));
        var key = SharedKey(await client.GetStringAsync(SetupPage));
        await PostEnableAsync(client, Code(key));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wallet")).StatusCode);
        var page = await client.GetStringAsync(SetupPage);
        Assert.Contains("cannot be turned off", page);
        Assert.DoesNotContain("Disable.Code", page);

        var optional = await users.SetTwoFactorRequiredAsync(await app.AdminActorAsync(), user.Id, false);

        Assert.True(optional.Succeeded, optional.Problem);
        await using var db = await app.DbAsync();
        var audited = await db.AuditEntries.Where(a => a.TargetId == user.Id).Select(a => a.Action).ToListAsync();
        Assert.Contains(AuditActions.TwoFactorRequired, audited);
        Assert.Contains(AuditActions.TwoFactorNoLongerRequired, audited);
        Assert.False((await users.SetTwoFactorRequiredAsync(await app.AdminActorAsync(), (await app.AdminActorAsync()).UserId, true)).Succeeded);
    }

    [Fact]
    public async Task Turning_two_factor_off_needs_a_current_or_recovery_code_and_the_next_sign_in_is_password_only()
    {
        var (email, key, recoveryCodes) = await EnrolledResellerAsync();
        var client = await SignedInWithCodeAsync(email, key);

        var wrong = await PostDisableAsync(client, WrongCode(key));

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("That code is not correct", AccountForms.FieldText(await wrong.Content.ReadAsStringAsync(), "Disable.Code"));
        Assert.True((await app.FindUserAsync(email)).TwoFactorEnabled);

        var off = await PostDisableAsync(client, recoveryCodes[3]);

        Assert.Equal(SetupPage, PathOf(off));
        Assert.False((await app.FindUserAsync(email)).TwoFactorEnabled);
        Assert.Contains("Two-factor sign-in is off.", await client.GetStringAsync(SetupPage));
        Assert.Equal("/", PathOf(await PortalAppFactory.PostLoginAsync(app.CreateBrowserlikeClient(), email, PortalAppFactory.UserPassword)));
        // Setting it up again starts with a new key.
        Assert.NotEqual(key, SharedKey(await client.GetStringAsync(SetupPage)));
    }

    [Fact]
    public async Task A_wrong_code_to_turn_two_factor_off_counts_towards_the_lockout_and_reaching_it_ends_the_session()
    {
        var (email, key, _) = await EnrolledResellerAsync();
        var client = await SignedInWithCodeAsync(email, key);

        Assert.Equal(HttpStatusCode.OK, (await PostDisableAsync(client, WrongCode(key))).StatusCode);
        Assert.Equal(1, (await app.FindUserAsync(email)).AccessFailedCount);
        Assert.Equal(HttpStatusCode.OK, (await PostDisableAsync(client, "AAAAA-BBBBB")).StatusCode);
        Assert.Equal(2, (await app.FindUserAsync(email)).AccessFailedCount);
        for (var attempt = 3; attempt < 5; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostDisableAsync(client, WrongCode(key))).StatusCode);
        }

        var fifth = await PostDisableAsync(client, WrongCode(key));

        Assert.StartsWith("/Account/Login", PathOf(fifth));
        var user = await app.FindUserAsync(email);
        Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.True(user.TwoFactorEnabled);
        Assert.StartsWith("/Account/Login", PathOf(await client.GetAsync("/wallet")));
    }

    [Fact]
    public async Task A_right_code_to_turn_two_factor_off_clears_the_count_of_wrong_ones()
    {
        var (email, key, _) = await EnrolledResellerAsync();
        var client = await SignedInWithCodeAsync(email, key);
        await PostDisableAsync(client, WrongCode(key));

        Assert.Equal(SetupPage, PathOf(await PostDisableAsync(client, Code(key))));

        Assert.Equal(0, (await app.FindUserAsync(email)).AccessFailedCount);
    }

    [Fact]
    public async Task New_recovery_codes_need_a_current_code_from_the_app_and_a_wrong_one_counts_towards_the_lockout()
    {
        var (email, key, oldCodes) = await EnrolledResellerAsync();
        var client = await SignedInWithCodeAsync(email, key);
        var page = await client.GetStringAsync(SetupPage);
        Assert.Contains("Code from your app", AccountForms.FieldText(page, "Regenerate.Code"));

        var none = await PostRegenerateAsync(client, "");
        var noneHtml = await none.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.DoesNotContain("data-testid=\"recovery-codes\"", noneHtml);
        Assert.Contains("Enter the code.", AccountForms.FieldText(noneHtml, "Regenerate.Code"));

        // A recovery code is not enough: whoever holds the open session may have found one.
        foreach (var wrong in new[] { WrongCode(key), oldCodes[0] })
        {
            var refused = await PostRegenerateAsync(client, wrong);
            var refusedHtml = await refused.Content.ReadAsStringAsync();
            Assert.DoesNotContain("data-testid=\"recovery-codes\"", refusedHtml);
            Assert.Contains("That code is not correct", AccountForms.FieldText(refusedHtml, "Regenerate.Code"));
        }

        Assert.Equal(2, (await app.FindUserAsync(email)).AccessFailedCount);
        Assert.Equal(10, await CountRecoveryCodesAsync(email));
    }

    [Fact]
    public async Task The_settings_page_posts_are_rate_limited_per_signed_in_user_from_any_address()
    {
        await using var limited = new PortalAppFactory(null, new Dictionary<string, string?>
        {
            ["RateLimits:SignInPerAccountPerMinute"] = "3",
            ["Security:MaxFailedLogins"] = "100",
        });
        var email = await limited.CreateUserAsync(Roles.Reseller);
        var first = TestClientAddress.From(limited.CreateBrowserlikeClient(), "10.9.1.1");
        Assert.Equal(HttpStatusCode.Redirect, (await PortalAppFactory.PostLoginAsync(first, email, PortalAppFactory.UserPassword)).StatusCode);
        var key = SharedKey(await first.GetStringAsync(SetupPage));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostEnableAsync(first, WrongCode(key))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostEnableAsync(first, Code(key))).StatusCode);

        // The same user signed in from another address: over the limit too.
        var second = TestClientAddress.From(limited.CreateBrowserlikeClient(), "10.9.1.2");
        Assert.Equal(HttpStatusCode.Redirect, (await PortalAppFactory.PostLoginAsync(second, email, PortalAppFactory.UserPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostEnableAsync(second, Code(key))).StatusCode);
        Assert.False((await limited.FindUserAsync(email)).TwoFactorEnabled);
        // Another user is not.
        var other = TestClientAddress.From(await limited.SignedInClientAsync(await limited.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword), "10.9.1.1");
        Assert.Equal(HttpStatusCode.OK, (await PostEnableAsync(other, "000000")).StatusCode);
    }

    [Fact]
    public async Task New_recovery_codes_replace_the_old_ones()
    {
        var (email, key, oldCodes) = await EnrolledResellerAsync();
        var client = await SignedInWithCodeAsync(email, key);

        var response = await PostRegenerateAsync(client, Code(key));

        var newCodes = RecoveryCodes(await response.Content.ReadAsStringAsync());
        Assert.Equal(10, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));
        var other = app.CreateBrowserlikeClient();
        await PortalAppFactory.PostLoginAsync(other, email, PortalAppFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await PostRecoveryCodeAsync(other, oldCodes[0])).StatusCode);
        Assert.Equal("/", PathOf(await PostRecoveryCodeAsync(other, newCodes[0])));
    }

    [Fact]
    public async Task The_second_step_without_a_right_password_first_goes_back_to_the_login()
    {
        var client = app.CreateBrowserlikeClient();

        Assert.StartsWith("/Account/Login", PathOf(await client.GetAsync("/Account/LoginWith2fa")));
        Assert.StartsWith("/Account/Login", PathOf(await client.GetAsync("/Account/LoginWithRecoveryCode")));
    }

    [Fact]
    public async Task Code_posts_are_rate_limited_per_account_whose_password_was_right_from_any_address()
    {
        await using var limited = new PortalAppFactory(null, new Dictionary<string, string?>
        {
            ["RateLimits:SignInPerAccountPerMinute"] = "4",
            ["Security:MaxFailedLogins"] = "100",
        });
        // Setting it up posted one code already: the settings page's code posts count for the account too.
        var (email, key, _) = await EnrolledResellerAsync(limited);
        var first = TestClientAddress.From(limited.CreateBrowserlikeClient(), "10.9.0.1");
        var secondStep = PathOf(await PortalAppFactory.PostLoginAsync(first, email, PortalAppFactory.UserPassword));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostCodeAsync(first, secondStep, WrongCode(key))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostCodeAsync(first, secondStep, Code(key))).StatusCode);

        // The same account from another address: its code posts are over the limit too (its password posts are counted apart).
        var second = TestClientAddress.From(limited.CreateBrowserlikeClient(), "10.9.0.2");
        var secondStepThere = PathOf(await PortalAppFactory.PostLoginAsync(second, email, PortalAppFactory.UserPassword));
        Assert.StartsWith("/Account/LoginWith2fa", secondStepThere);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostRecoveryCodeAsync(second, "AAAAA-BBBBB")).StatusCode);
    }

    private Task<(string Email, string Key, IReadOnlyList<string> RecoveryCodes)> EnrolledResellerAsync() => EnrolledResellerAsync(app);

    private static async Task<(string Email, string Key, IReadOnlyList<string> RecoveryCodes)> EnrolledResellerAsync(PortalAppFactory app)
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        var key = SharedKey(await client.GetStringAsync(SetupPage));
        var enabled = await PostEnableAsync(client, Code(key));
        var codes = RecoveryCodes(await enabled.Content.ReadAsStringAsync());
        Assert.Equal(10, codes.Count);
        return (email, key, codes);
    }

    private async Task<HttpClient> SignedInWithCodeAsync(string email, string key)
    {
        var client = app.CreateBrowserlikeClient();
        var secondStep = PathOf(await PortalAppFactory.PostLoginAsync(client, email, PortalAppFactory.UserPassword));
        Assert.Equal("/", PathOf(await PostCodeAsync(client, secondStep, Code(key))));
        return client;
    }

    /// <summary>The key as an authenticator app reads it from the page (the groups of four joined, upper case).</summary>
    internal static string SharedKey(string html)
    {
        var match = KeyPattern().Match(html);
        Assert.True(match.Success, "The page shows no authenticator key.");
        return match.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
    }

    /// <summary>The code an authenticator app shows now.</summary>
    internal static string Code(string key) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);

    /// <summary>A 6-digit code no clock near now would accept (the server allows a few 30-second steps either way).</summary>
    private static string WrongCode(string key)
    {
        var totp = new Totp(Base32Encoding.ToBytes(key));
        var near = Enumerable.Range(-4, 9).Select(step => totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), 6)).First(code => !near.Contains(code));
    }

    private static IReadOnlyList<string> RecoveryCodes(string html)
    {
        var list = RecoveryListPattern().Match(html);
        Assert.True(list.Success, "The page shows no recovery codes.");
        return RecoveryCodePattern().Matches(list.Value).Select(m => m.Groups[1].Value).ToList();
    }

    private static Task<HttpResponseMessage> PostEnableAsync(HttpClient client, string code) =>
        AccountForms.PostAsync(client, SetupPage, "enable-two-factor", new Dictionary<string, string> { ["Input.Code"] = code });

    private static Task<HttpResponseMessage> PostDisableAsync(HttpClient client, string code) =>
        AccountForms.PostAsync(client, SetupPage, "disable-two-factor", new Dictionary<string, string> { ["Disable.Code"] = code });

    private static Task<HttpResponseMessage> PostRegenerateAsync(HttpClient client, string code) =>
        AccountForms.PostAsync(client, SetupPage, "regenerate-recovery-codes", new Dictionary<string, string> { ["Regenerate.Code"] = code });

    private async Task<int> CountRecoveryCodesAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<RechargePortal.Data.PortalUser>>();
        return await users.CountRecoveryCodesAsync((await users.FindByEmailAsync(email))!);
    }

    private static Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string secondStep, string code, bool rememberDevice = false)
    {
        var fields = new Dictionary<string, string> { ["Input.Code"] = code };
        if (rememberDevice)
        {
            fields["Input.RememberDevice"] = "true";
        }

        return AccountForms.PostAsync(client, secondStep, "login-with-2fa", fields);
    }

    private static Task<HttpResponseMessage> PostRecoveryCodeAsync(HttpClient client, string code) =>
        AccountForms.PostAsync(client, "/Account/LoginWithRecoveryCode", "login-with-recovery-code", new Dictionary<string, string> { ["Input.RecoveryCode"] = code });

    private static async Task SignOutAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/");
        var token = TokenPattern().Match(page).Groups[1].Value;
        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>Where a redirect points, as a path and query of the portal ("" when the answer is no redirect).</summary>
    private static string PathOf(HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString)
            : "";

    // What differs between two answers anyway: the antiforgery token, the script nonce, the circuit state.
    private static string Normalize(string html) =>
        StatePattern().Replace(NoncePattern().Replace(TokenValuePattern().Replace(html, "value=\"TOKEN\""), "NONCE"), "STATE");

    [GeneratedRegex("expires=([^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex RememberExpiresPattern();

    [GeneratedRegex("data-testid=\"authenticator-key\">([^<]+)<")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("<ul[^>]*data-testid=\"recovery-codes\"[^>]*>.*?</ul>", RegexOptions.Singleline)]
    private static partial Regex RecoveryListPattern();

    [GeneratedRegex("<code>([^<]+)</code>")]
    private static partial Regex RecoveryCodePattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("value=\"[^\"]+\"(?=[^>]*name=\"__RequestVerificationToken\")|(?<=name=\"__RequestVerificationToken\" )value=\"[^\"]+\"")]
    private static partial Regex TokenValuePattern();

    [GeneratedRegex("(?<= nonce=\")[^\"]+")]
    private static partial Regex NoncePattern();

    [GeneratedRegex("<!--Blazor-Server-Component-State:[^>]*-->")]
    private static partial Regex StatePattern();
}
