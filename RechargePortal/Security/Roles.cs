namespace RechargePortal.Security;

/// <summary>The three roles of the portal. Every account has exactly one.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Reseller = "Reseller";
    public const string Auditor = "Auditor";

    public static readonly IReadOnlyList<string> All = [Admin, Reseller, Auditor];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}
