using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RechargePortal.Components.Account;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>
/// Sessions recorded on the server: sign-out ends one for good (a copy of its cookie included), and idleness and the
/// absolute lifetime end it on the app's clock, for requests and for open pages alike. The suite re-checks the security
/// stamp on every request, so each request here also shows that the refreshed cookie keeps naming its session.
/// </summary>
public sealed class SessionTests(SessionTests.App app) : IClassFixture<SessionTests.App>
{
    /// <summary>The app on a fake clock (the tests here run one after another, so moving it disturbs no one).</summary>
    public sealed class App() : PortalAppFactory(null, new Dictionary<string, string?>(), Clock)
    {
        public static FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    }

    private static FakeTimeProvider Clock => App.Clock;

    /// <summary>What a database keeps of a time: PostgreSQL keeps microseconds, .NET has tenths of them.</summary>
    private static readonly TimeSpan StoredPrecision = TimeSpan.FromMicroseconds(1);

    [Fact]
    public async Task A_cookie_copied_before_sign_out_is_refused_after_it()
    {
        var client = app.CreateBrowserlikeClient();
        var login = await PortalAppFactory.PostLoginAsync(client, await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);
        var copied = AuthCookie(login);
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync("/wallet", copied)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync("/wallet", copied)).StatusCode);

        await SignOutAsync(client);

        var replayed = await GetWithCookieAsync("/wallet", copied);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/Account/Login", replayed.Headers.Location!.PathAndQuery);
        // Refused, not deleted: a browser may hold a newer cookie by the time this answer arrives.
        Assert.False(replayed.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Signing_out_records_the_end_of_the_session()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        await SignOutAsync(client);

        var session = Assert.Single(await SessionsOfAsync(email));
        Assert.Equal(SessionEndReason.SignedOut, session.EndReason);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, session.EndedAtUtc!.Value, StoredPrecision);
    }

    [Fact]
    public async Task Each_sign_in_is_a_session_of_its_own_and_signing_out_of_one_leaves_the_other()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var phone = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        var desk = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        await SignOutAsync(phone);

        Assert.StartsWith("/Account/Login", (await phone.GetAsync("/wallet")).Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, (await desk.GetAsync("/wallet")).StatusCode);
        Assert.Equal(2, (await SessionsOfAsync(email)).Count);
    }

    [Fact]
    public async Task Changing_the_password_keeps_the_session_it_was_changed_in_and_ends_the_others()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var here = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        var elsewhere = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        var changed = await AccountForms.PostChangePasswordAsync(here, PortalAppFactory.UserPassword, "Brand-New-Passphrase-9");

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/wallet")).StatusCode);
        Assert.StartsWith("/Account/Login", (await elsewhere.GetAsync("/wallet")).Headers.Location!.PathAndQuery);
        // The change re-issued this session's cookie: no new session.
        Assert.Equal(2, (await SessionsOfAsync(email)).Count);
    }

    [Fact]
    public async Task A_request_still_carrying_the_cookie_from_before_a_password_change_is_refused_without_deleting_the_new_one()
    {
        var client = app.CreateBrowserlikeClient();
        var previous = AuthCookie(await PortalAppFactory.PostLoginAsync(client, await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword));
        Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.PostChangePasswordAsync(client, PortalAppFactory.UserPassword, "Brand-New-Passphrase-9")).StatusCode);

        // A request the browser sent before the new cookie arrived, answered after the change.
        var late = await GetWithCookieAsync("/wallet", previous);

        Assert.StartsWith("/Account/Login", late.Headers.Location!.PathAndQuery);
        Assert.False(late.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wallet")).StatusCode);
    }

    [Fact]
    public async Task An_open_page_of_a_session_signed_out_elsewhere_fails_its_next_revalidation()
    {
        var client = app.CreateBrowserlikeClient();
        var login = await PortalAppFactory.PostLoginAsync(client, await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);
        var circuitUser = PrincipalOf(AuthCookie(login));
        Assert.True(await RevalidateAsync(circuitUser));

        await SignOutAsync(client);

        Assert.False(await RevalidateAsync(circuitUser));
    }

    [Fact]
    public async Task A_session_left_idle_past_the_limit_is_refused_and_one_just_under_it_goes_on()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        Clock.Advance(TimeSpan.FromMinutes(119));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wallet")).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(119));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wallet")).StatusCode);

        Clock.Advance(TimeSpan.FromMinutes(121));

        var idle = await client.GetAsync("/wallet");
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.StartsWith("/Account/Login", idle.Headers.Location!.PathAndQuery);
        Assert.Equal(SessionEndReason.Idle, Assert.Single(await SessionsOfAsync(email)).EndReason);
    }

    [Fact]
    public async Task An_open_page_ends_when_its_session_goes_idle()
    {
        var login = await PortalAppFactory.PostLoginAsync(app.CreateBrowserlikeClient(), await app.CreateUserAsync(Roles.Auditor), PortalAppFactory.UserPassword);
        var circuitUser = PrincipalOf(AuthCookie(login));

        Clock.Advance(TimeSpan.FromMinutes(110));
        Assert.True(await RevalidateAsync(circuitUser));
        Clock.Advance(TimeSpan.FromMinutes(11));

        Assert.False(await RevalidateAsync(circuitUser));
    }

    [Fact]
    public async Task Typing_or_clicking_on_an_open_page_keeps_its_session_going()
    {
        // The page's script reports the user's input (at most once a minute) with a post that carries the cookie.
        var client = app.CreateBrowserlikeClient();
        var circuitUser = PrincipalOf(AuthCookie(await PortalAppFactory.PostLoginAsync(client, await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword)));

        Clock.Advance(TimeSpan.FromMinutes(100));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(UserActivity.Path, null)).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(100));

        Assert.True(await RevalidateAsync(circuitUser));
        Clock.Advance(TimeSpan.FromMinutes(21));
        Assert.False(await RevalidateAsync(circuitUser));
    }

    [Fact]
    public async Task The_open_pages_own_connection_is_not_activity()
    {
        // A page that only receives live updates keeps its circuit busy (and may reconnect, or poll without WebSockets):
        // none of that is the person. Reconnecting still needs a session that is going.
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = app.CreateBrowserlikeClient();
        var circuitUser = PrincipalOf(AuthCookie(await PortalAppFactory.PostLoginAsync(client, email, PortalAppFactory.UserPassword)));
        var signedInAt = Clock.GetUtcNow().UtcDateTime;

        Clock.Advance(TimeSpan.FromMinutes(100));
        await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        await client.GetAsync("/_blazor?id=none");

        Assert.Equal(signedInAt, Assert.Single(await SessionsOfAsync(email)).LastSeenAtUtc, StoredPrecision);
        Clock.Advance(TimeSpan.FromMinutes(21));
        Assert.False(await RevalidateAsync(circuitUser));
    }

    [Fact]
    public async Task An_activity_report_without_a_session_going_is_refused()
    {
        var anonymous = await app.CreateBrowserlikeClient().PostAsync(UserActivity.Path, null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var client = await app.SignedInClientAsync(await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);
        Clock.Advance(TimeSpan.FromMinutes(121));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(UserActivity.Path, null)).StatusCode);
    }

    [Fact]
    public async Task A_session_kept_busy_still_ends_at_its_absolute_lifetime()
    {
        var client = await app.SignedInClientAsync(await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);

        await KeepBusyForElevenHoursFortyAsync(client);
        Clock.Advance(TimeSpan.FromMinutes(21));

        var expired = await client.GetAsync("/wallet");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith("/Account/Login", expired.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task An_open_page_kept_busy_still_ends_at_the_absolute_lifetime()
    {
        // The cookie's own expiry is the same instant (not sliding), but an open page never shows its cookie again:
        // only the session record ends it.
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = app.CreateBrowserlikeClient();
        var circuitUser = PrincipalOf(AuthCookie(await PortalAppFactory.PostLoginAsync(client, email, PortalAppFactory.UserPassword)));

        await KeepBusyForElevenHoursFortyAsync(client);
        Assert.True(await RevalidateAsync(circuitUser));
        Clock.Advance(TimeSpan.FromMinutes(21));

        Assert.False(await RevalidateAsync(circuitUser));
        Assert.Equal(SessionEndReason.AbsoluteLifetime, Assert.Single(await SessionsOfAsync(email)).EndReason);
    }

    [Fact]
    public async Task An_admin_goes_idle_sooner_than_a_reseller()
    {
        var admin = await app.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        var reseller = await app.SignedInClientAsync(await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);

        Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/users")).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(31));

        Assert.StartsWith("/Account/Login", (await admin.GetAsync("/admin/users")).Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, (await reseller.GetAsync("/wallet")).StatusCode);
    }

    [Fact]
    public async Task Requests_within_a_minute_of_each_other_write_last_seen_once()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        var signedInAt = Clock.GetUtcNow().UtcDateTime;

        Clock.Advance(TimeSpan.FromSeconds(30));
        await client.GetAsync("/wallet");
        Assert.Equal(signedInAt, Assert.Single(await SessionsOfAsync(email)).LastSeenAtUtc, StoredPrecision);

        Clock.Advance(TimeSpan.FromSeconds(31));
        await client.GetAsync("/wallet");
        Assert.Equal(signedInAt.AddSeconds(61), Assert.Single(await SessionsOfAsync(email)).LastSeenAtUtc, StoredPrecision);
    }

    // A request every 100 minutes (under the idle limit), up to 11 h 40 min after sign-in.
    private static async Task KeepBusyForElevenHoursFortyAsync(HttpClient client)
    {
        for (var i = 0; i < 7; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(100));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wallet")).StatusCode);
        }
    }

    private async Task<bool> RevalidateAsync(ClaimsPrincipal user)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var provider = (IdentityRevalidatingAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        return await provider.IsStillValidAsync(user);
    }

    /// <summary>The principal a circuit opened with this cookie holds: the cookie's own ticket, as the app reads it.</summary>
    private ClaimsPrincipal PrincipalOf(string cookie)
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var ticket = options.TicketDataFormat.Unprotect(cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.NotNull(ticket);
        Assert.NotNull(UserSessionService.SessionIdOf(ticket.Principal));
        return ticket.Principal;
    }

    /// <summary>The sign-in cookie as "name=value", as someone copying it from the browser would take it.</summary>
    private static string AuthCookie(HttpResponseMessage login)
    {
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(PortalCookies.HostPrefix + PortalCookies.Auth + "=", StringComparison.Ordinal));
        return cookie.Split(';')[0];
    }

    private async Task<HttpResponseMessage> GetWithCookieAsync(string path, string cookie)
    {
        var stranger = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = PortalAppFactory.BaseAddress, AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await stranger.SendAsync(request);
    }

    private async Task<List<UserSession>> SessionsOfAsync(string email)
    {
        var user = await app.FindUserAsync(email);
        await using var db = await app.DbAsync();
        return await db.UserSessions.AsNoTracking().Where(s => s.UserId == user.Id).ToListAsync();
    }

    private static async Task SignOutAsync(HttpClient client) =>
        Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.PostSignOutAsync(client)).StatusCode);
}
