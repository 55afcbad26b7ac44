using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace RechargePortal.Security;

/// <summary>Who is doing something: taken from the signed-in principal and passed to services.</summary>
public sealed record Actor(string UserId, string Email, string? SecurityStamp)
{
    // The claim type Identity uses for the security stamp (IdentityOptions.ClaimsIdentity default).
    public const string SecurityStampClaim = "AspNet.Identity.SecurityStamp";

    /// <summary>The fresh authenticator code (or password) the confirmation of a step-up action carries; checked by <see cref="StepUp"/>.</summary>
    public string? StepUpProof { get; init; }

    public static Actor From(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("The principal is not signed in.");
        var email = principal.FindFirstValue(ClaimTypes.Email) ?? principal.Identity?.Name ?? id;
        return new Actor(id, email, principal.FindFirstValue(SecurityStampClaim));
    }

    /// <summary>The signed-in actor of a page, from its cascading authentication state.</summary>
    public static async Task<Actor> FromAsync(Task<AuthenticationState> state) => From((await state).User);

    /// <summary>The same actor confirming one action with <paramref name="proof"/>.</summary>
    public Actor WithStepUp(string? proof) => this with { StepUpProof = proof };

    // A record prints every property: never the proof (a password) into a log.
    public override string ToString() => $"{Email} ({UserId})";
}
