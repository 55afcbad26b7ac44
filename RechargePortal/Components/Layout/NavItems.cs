using MudBlazor;
using RechargePortal.Security;

namespace RechargePortal.Components.Layout;

/// <summary>One entry of the navigation drawer, shown only to the roles that may open it.</summary>
public sealed record NavItem(string Title, string Href, string Icon, IReadOnlyList<string> Roles, bool External = false)
{
    public bool MatchAll => Href == "/";
}

/// <summary>The drawer's contents. A later feature adds its page here with the roles its page allows.</summary>
public static class NavItems
{
    public static readonly IReadOnlyList<NavItem> All =
    [
        new("Recharge", "/recharge", Icons.Material.Filled.Send, [Roles.Reseller]),
        new("My recharges", "/recharges", Icons.Material.Filled.History, [Roles.Reseller]),
        new("Dashboard", "/", Icons.Material.Filled.Dashboard, Roles.All),
        new("Sales report", "/reports/transactions", Icons.Material.Filled.ReceiptLong, [Roles.Reseller]),
        new("My wallet", "/wallet", Icons.Material.Filled.AccountBalanceWallet, [Roles.Reseller]),
        new("My resellers", "/my-resellers", Icons.Material.Filled.AccountTree, [Roles.Reseller]),
        new("Balance requests", "/balance-requests", Icons.Material.Filled.RequestQuote, [Roles.Reseller, Roles.Admin]),
        new("Users", "/admin/users", Icons.Material.Filled.People, [Roles.Admin]),
        new("Wallets", "/admin/wallets", Icons.Material.Filled.AccountBalanceWallet, [Roles.Admin]),
        new("Commissions", "/admin/commissions", Icons.Material.Filled.Percent, [Roles.Admin]),
        new("Wallets", "/auditor/wallets", Icons.Material.Filled.AccountBalanceWallet, [Roles.Auditor]),
        new("Transactions", "/reports/transactions", Icons.Material.Filled.ReceiptLong, [Roles.Auditor, Roles.Admin]),
        new("Daily summary", "/reports/summary", Icons.Material.Filled.BarChart, [Roles.Auditor, Roles.Admin]),
        new("Reconciliation", "/reports/reconciliation", Icons.Material.Filled.Balance, [Roles.Auditor, Roles.Admin]),
        new("Audit log", "/audit", Icons.Material.Filled.History, [Roles.Auditor, Roles.Admin]),
        new("Providers", "/admin/providers", Icons.Material.Filled.Hub, [Roles.Admin]),
        new("Routing", "/admin/routing", Icons.Material.Filled.AltRoute, [Roles.Admin]),
        new("Review queue", "/admin/review", Icons.Material.Filled.ReportProblem, [Roles.Admin]),
        new("Offer packs", "/offers", Icons.Material.Filled.LocalOffer, [Roles.Reseller, Roles.Admin]),
        new("API keys", "/api-keys", Icons.Material.Filled.Key, [Roles.Reseller, Roles.Admin]),
        new("Background jobs", "/hangfire", Icons.Material.Filled.Schedule, [Roles.Admin], External: true),
        new("Language and digits", "/Account/Manage/Language", Icons.Material.Filled.Translate, Roles.All, External: false),
    ];

    public static IEnumerable<NavItem> For(System.Security.Claims.ClaimsPrincipal user) =>
        All.Where(item => item.Roles.Any(user.IsInRole));
}
