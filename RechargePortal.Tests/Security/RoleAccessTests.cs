using System.Net;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>Each role against each page family: allowed (the content) or refused (login or access denied).</summary>
public sealed class RoleAccessTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    /// <summary><see cref="Refused"/>: the role passes the endpoint, the service refuses the data (403), as for a wallet outside a reseller's subtree.</summary>
    public enum Expect { Allowed, ToLogin, Denied, Refused }

    public static TheoryData<string, string, Expect, string?> Matrix => new()
    {
        // role ("" = not signed in), path, expectation, text the allowed page shows
        { "", "/", Expect.ToLogin, null },
        { "", "/admin/users", Expect.ToLogin, null },
        { "", "/hangfire", Expect.ToLogin, null },
        { "", "/Account/Manage/ChangePassword", Expect.ToLogin, null },
        { "", "/health", Expect.Allowed, "healthy" },
        { "", "/Account/Login", Expect.Allowed, "Log in" },
        { Roles.Reseller, "/", Expect.Allowed, "Reseller dashboard" },
        { Roles.Reseller, "/admin/users", Expect.Denied, null },
        { Roles.Reseller, "/hangfire", Expect.Denied, null },
        { Roles.Reseller, "/Account/Manage/ChangePassword", Expect.Allowed, "Change my password" },
        { Roles.Auditor, "/", Expect.Allowed, "Auditor dashboard" },
        { Roles.Auditor, "/admin/users", Expect.Denied, null },
        { Roles.Auditor, "/hangfire", Expect.Denied, null },
        { Roles.Auditor, "/Account/Manage/ChangePassword", Expect.Allowed, "Change my password" },
        { Roles.Admin, "/", Expect.Allowed, "Admin dashboard" },
        { Roles.Admin, "/admin/users", Expect.Allowed, "New user" },
        { Roles.Admin, "/hangfire", Expect.Allowed, "RechargePortal jobs" },
        { Roles.Admin, "/Account/Manage/ChangePassword", Expect.Allowed, "Change my password" },
        // Wallets, commissions, audit
        { "", "/wallet", Expect.ToLogin, null },
        { "", "/audit", Expect.ToLogin, null },
        { "", "/wallets/1/statement.csv", Expect.ToLogin, null },
        { Roles.Reseller, "/wallet", Expect.Allowed, "My wallet" },
        { Roles.Reseller, "/admin/wallets", Expect.Denied, null },
        { Roles.Reseller, "/admin/commissions", Expect.Denied, null },
        { Roles.Reseller, "/audit", Expect.Denied, null },
        { Roles.Reseller, "/auditor/wallets", Expect.Denied, null },
        { Roles.Reseller, "/wallets/1/statement.csv", Expect.Refused, null },
        { Roles.Auditor, "/wallet", Expect.Denied, null },
        { Roles.Auditor, "/admin/wallets", Expect.Denied, null },
        { Roles.Auditor, "/admin/commissions", Expect.Denied, null },
        { Roles.Auditor, "/audit", Expect.Allowed, "Audit log" },
        { Roles.Auditor, "/auditor/wallets", Expect.Allowed, "Read only" },
        { Roles.Admin, "/admin/wallets", Expect.Allowed, "Credit a deposit" },
        { Roles.Admin, "/admin/commissions", Expect.Allowed, "Commission plans" },
        { Roles.Admin, "/audit", Expect.Allowed, "Audit log" },
        { Roles.Admin, "/wallet", Expect.Denied, null },
        // The reseller tree: a reseller's own subtree
        { "", "/my-resellers", Expect.ToLogin, null },
        { Roles.Reseller, "/my-resellers", Expect.Allowed, "My resellers" },
        { Roles.Admin, "/my-resellers", Expect.Denied, null },
        { Roles.Auditor, "/my-resellers", Expect.Denied, null },
        // Recharging and the recharge history are the reseller's own
        { "", "/recharge", Expect.ToLogin, null },
        { "", "/recharges", Expect.ToLogin, null },
        { Roles.Reseller, "/recharge", Expect.Allowed, "Mobile number" },
        { Roles.Reseller, "/recharges", Expect.Allowed, "My recharges" },
        { Roles.Admin, "/recharge", Expect.Denied, null },
        { Roles.Admin, "/recharges", Expect.Denied, null },
        { Roles.Auditor, "/recharge", Expect.Denied, null },
        { Roles.Auditor, "/recharges", Expect.Denied, null },
        // Routing and the review queue: admins only
        { "", "/admin/routing", Expect.ToLogin, null },
        { "", "/admin/review", Expect.ToLogin, null },
        { Roles.Reseller, "/admin/routing", Expect.Denied, null },
        { Roles.Reseller, "/admin/review", Expect.Denied, null },
        { Roles.Auditor, "/admin/routing", Expect.Denied, null },
        { Roles.Auditor, "/admin/review", Expect.Denied, null },
        { Roles.Admin, "/admin/routing", Expect.Allowed, "definitely refuses" },
        { Roles.Admin, "/admin/review", Expect.Allowed, "Review queue" },
        // Reports: auditors and admins read them (a reseller: the transactions of their own subtree); the CSV is an endpoint, refused the same way as a page
        { "", "/reports/transactions", Expect.ToLogin, null },
        { Roles.Reseller, "/reports/transactions", Expect.Allowed, "Sales report" },
        { Roles.Auditor, "/reports/transactions", Expect.Allowed, "Export CSV" },
        { Roles.Admin, "/reports/transactions", Expect.Allowed, "Export CSV" },
        { "", "/reports/transactions.csv?from=2026-11-01&to=2026-11-30", Expect.ToLogin, null },
        { Roles.Reseller, "/reports/transactions.csv?from=2026-11-01&to=2026-11-30", Expect.Allowed, "Reference," },
        { Roles.Auditor, "/reports/transactions.csv?from=2026-11-01&to=2026-11-30", Expect.Allowed, "Reference," },
        { Roles.Admin, "/reports/transactions.csv?from=2026-11-01&to=2026-11-30", Expect.Allowed, "Reference," },
        // Daily summary and reconciliation: auditors and admins (the page's own heading, not the drawer's link)
        { "", "/reports/summary", Expect.ToLogin, null },
        { "", "/reports/reconciliation", Expect.ToLogin, null },
        { Roles.Reseller, "/reports/summary", Expect.Denied, null },
        { Roles.Reseller, "/reports/reconciliation", Expect.Denied, null },
        { Roles.Auditor, "/reports/summary", Expect.Allowed, "Daily summary</h1>" },
        { Roles.Auditor, "/reports/reconciliation", Expect.Allowed, "Reconciliation</h1>" },
        { Roles.Admin, "/reports/summary", Expect.Allowed, "Daily summary</h1>" },
        { Roles.Admin, "/reports/reconciliation", Expect.Allowed, "Reconciliation</h1>" },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_reaches_only_its_pages(string role, string path, Expect expect, string? allowedText)
    {
        var client = role switch
        {
            "" => app.CreateBrowserlikeClient(),
            Roles.Admin => await app.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword),
            _ => await app.SignedInClientAsync(await app.CreateUserAsync(role), PortalAppFactory.UserPassword),
        };

        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        switch (expect)
        {
            case Expect.Allowed:
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains(allowedText!, body);
                break;
            case Expect.ToLogin:
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
                break;
            case Expect.Denied:
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
                Assert.DoesNotContain("New user", body);
                Assert.DoesNotContain("RechargePortal jobs", body);
                break;
            case Expect.Refused:
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.DoesNotContain("Opening balance", body);
                break;
        }
    }

    [Fact]
    public async Task There_is_no_public_registration_page()
    {
        var response = await app.CreateBrowserlikeClient().GetAsync("/Account/Register");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
