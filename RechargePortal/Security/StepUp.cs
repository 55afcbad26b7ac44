using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;

namespace RechargePortal.Security;

/// <summary>How an admin proves, again, that it is them: the authenticator code when two-factor is on, else the password.</summary>
public enum StepUpKind
{
    AuthenticatorCode,
    Password,
}

/// <summary>
/// Step-up for money and power (a large credit or debit, a role change, a password reset, a new admin, routing, commission
/// plans): the confirmation carries a fresh authenticator code, or the password where two-factor is off, as
/// <see cref="Actor.StepUpProof"/>, and <see cref="AdminActions"/> checks it on the server inside the action. A wrong answer
/// counts towards the lockout like a wrong sign-in; a code is accepted once.
/// </summary>
public sealed class StepUp(IServiceScopeFactory scopes, IOptions<SecurityOptions> options, TimeProvider time, ILogger<StepUp> logger)
{
    /// <summary>The field a page shows step-up errors beside.</summary>
    public const string Field = "StepUp";

    public const string AuditNote = "step-up verified";

    // Codes already used, per user, kept until they can no longer verify (Identity accepts the current 30 s step and one
    // either side), in the database: with several instances a code used on one is refused on the others.
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(3);

    /// <summary>Credits and debits above this amount need a step-up (<c>Security:StepUpAmount</c>, in taka).</summary>
    public Money Threshold => Money.FromTaka(options.Value.StepUpAmount);

    public bool IsNeededFor(Money amount) => amount > Threshold;

    public async Task<StepUpKind> KindForAsync(Actor actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(actor.UserId);
        return user is { TwoFactorEnabled: true } ? StepUpKind.AuthenticatorCode : StepUpKind.Password;
    }

    /// <summary>Null when the actor's proof is right; otherwise the refusal, on <see cref="Field"/>.</summary>
    public async Task<AdminResult?> VerifyAsync(Actor actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(actor.UserId);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return AdminResult.Fail(AdminActions.NotAllowed);
        }

        var byCode = user.TwoFactorEnabled;
        var proof = actor.StepUpProof ?? "";
        if (string.IsNullOrWhiteSpace(proof))
        {
            return AdminResult.FieldFail(Field, byCode
                ? Ui.Text("Enter the 6-digit code from your authenticator app to confirm.")
                : Ui.Text("Enter your password to confirm."));
        }

        bool verified;
        if (byCode)
        {
            var code = proof.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            verified = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code)
                       && await FirstUseAsync(scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>(), user.Id, code, ct);
        }
        else
        {
            verified = await users.CheckPasswordAsync(user, proof);
        }

        if (!verified)
        {
            await users.AccessFailedAsync(user);
            logger.LogWarning("Step-up refused for {UserId}: wrong {Kind}.", user.Id, byCode ? "code" : "password");
            return AdminResult.FieldFail(Field, byCode
                ? Ui.Text("That code is not right, or was already used. Enter the next code from your app.")
                : Ui.Text("That password is not right."));
        }

        if (user.AccessFailedCount > 0)
        {
            await users.ResetAccessFailedCountAsync(user);
        }

        return null;
    }

    /// <summary>Records the code as used; false when it already was (the unique key refuses a second row, from any instance).</summary>
    private async Task<bool> FirstUseAsync(IDbContextFactory<PortalDbContext> dbs, string userId, string code, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.Set<UsedStepUpCode>().Where(c => c.ExpiresAtUtc <= now).ExecuteDeleteAsync(ct);
        db.Add(new UsedStepUpCode { UserId = userId, Code = code, ExpiresAtUtc = now + CodeLifetime });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
        {
            return false;
        }
    }
}

/// <summary>An authenticator code already used for a step-up, until it could no longer verify.</summary>
public sealed class UsedStepUpCode
{
    public string UserId { get; init; } = "";
    public string Code { get; init; } = "";
    public DateTime ExpiresAtUtc { get; init; }
}

internal sealed class UsedStepUpCodeConfiguration : IEntityTypeConfiguration<UsedStepUpCode>
{
    public void Configure(EntityTypeBuilder<UsedStepUpCode> c)
    {
        c.ToTable("UsedStepUpCodes");
        c.HasKey(x => new { x.UserId, x.Code });
        c.Property(x => x.UserId).HasMaxLength(450);
        c.Property(x => x.Code).HasMaxLength(16);
        c.HasIndex(x => x.ExpiresAtUtc);
    }
}
