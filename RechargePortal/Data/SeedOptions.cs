using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Data;

/// <summary>The first administrator, created once on an empty database. Section <c>Seed</c>.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    [Required, EmailAddress]
    public string AdminEmail { get; set; } = "admin@rechargeportal.local";

    public string AdminFullName { get; set; } = "Portal administrator";

    /// <summary>Empty: a strong password is generated and printed once to the console.</summary>
    public string? AdminPassword { get; set; }
}
