using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Localization;
using RechargePortal.Security;

namespace RechargePortal.Features.Api;

public sealed class NewApiKeyForm
{
    public string Name { get; set; } = "";

    /// <summary>Addresses or CIDR networks, one a line; empty = any address.</summary>
    public string AllowList { get; set; } = "";

    public string CallbackUrl { get; set; } = "";
}

/// <summary>What creating a key gave: the key and its signing secret, in plain text this once, or why nothing was made.</summary>
public sealed record ApiKeyCreation(AdminResult Result, string? Key = null, string? SigningSecret = null, long? KeyId = null);

public sealed record ApiKeyRow(
    long Id, string UserId, string OwnerEmail, string Name, string Prefix, DateTime CreatedAtUtc, DateTime? LastUsedAtUtc,
    DateTime? RevokedAtUtc, IReadOnlyList<string> AllowList, string? CallbackUrl)
{
    public bool IsActive => RevokedAtUtc is null;
}

/// <summary>A reseller's API keys: made by the reseller (at most <see cref="ApiKey.MaxActivePerReseller"/> active), revoked by them or an admin.</summary>
public sealed class ApiKeyService(
    IDbContextFactory<PortalDbContext> factory, ActiveUserGuard guard, AdminActions actions, IDataProtectionProvider protection,
    IHostEnvironment environment, Microsoft.Extensions.Options.IOptions<ApiOptions> options)
{
    public const string SigningSecretPurpose = "ApiKeys.SigningSecret";

    private readonly IDataProtector signingSecrets = protection.CreateProtector(SigningSecretPurpose);

    public async Task<ApiKeyCreation> CreateAsync(Actor actor, NewApiKeyForm form, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        var name = form.Name.Trim();
        if (name.Length is 0 or > ApiKey.MaxNameLength)
        {
            errors[nameof(NewApiKeyForm.Name)] = Ui.Text("Give the key a name of {0} to {1} characters.", Display.Number(1), Display.Number(ApiKey.MaxNameLength));
        }

        if (!ApiAllowList.TryParse(form.AllowList, out var allowList, out var allowListError))
        {
            errors[nameof(NewApiKeyForm.AllowList)] = allowListError!;
        }

        if (!Api.CallbackUrl.TryValidate(form.CallbackUrl, Api.CallbackUrl.InsecureAllowed(environment, options.Value), out var callbackUrl, out var callbackError))
        {
            errors[nameof(NewApiKeyForm.CallbackUrl)] = callbackError!;
        }

        if (errors.Count > 0)
        {
            return new ApiKeyCreation(AdminResult.FieldFail(errors));
        }

        string? key = null;
        string? secret = null;
        ApiKey? created = null;
        var result = await actions.RunAsync(actor, async context =>
        {
            var active = await context.Db.Set<ApiKey>().CountAsync(k => k.UserId == actor.UserId && k.RevokedAtUtc == null, ct);
            if (active >= ApiKey.MaxActivePerReseller)
            {
                return AdminResult.Fail(Ui.Text("You already have {0} active keys; revoke one first.", Display.Number(ApiKey.MaxActivePerReseller)));
            }

            key = ApiKeySecrets.NewKey();
            secret = ApiKeySecrets.NewSigningSecret();
            created = ApiKey.Create(actor.UserId, name, key, allowList, callbackUrl, signingSecrets.Protect(secret), context.NowUtc);
            context.Db.Add(created);
            // The key's id is the audit target: saved first, inside the action's transaction.
            await context.Db.SaveChangesAsync(ct);
            context.Audit(AuditActions.ApiKeyCreated, AuditTargets.ApiKey, created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{name} ({created.Prefix}…)", Describe(created));
            return AdminResult.Done(Ui.Text("Created the key {0}. Copy it now: it is not shown again.", name));
        }, role: Roles.Reseller, ct: ct);

        return result.Succeeded ? new ApiKeyCreation(result, key, secret, created!.Id) : new ApiKeyCreation(result);
    }

    /// <summary>Revokes a key at once: by its owner, or by an admin.</summary>
    public async Task<AdminResult> RevokeAsync(Actor actor, long keyId, CancellationToken ct = default)
    {
        string? ownerId;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            ownerId = await db.Set<ApiKey>().Where(k => k.Id == keyId).Select(k => k.UserId).SingleOrDefaultAsync(ct);
        }

        // The owner acts as a reseller; anyone else must be an active admin (a reseller naming another's key is refused).
        var role = ownerId == actor.UserId ? Roles.Reseller : Roles.Admin;
        return await actions.RunAsync(actor, async context =>
        {
            var key = await context.Db.Set<ApiKey>().Include(k => k.User).SingleOrDefaultAsync(k => k.Id == keyId, ct);
            if (key is null || key.UserId != ownerId)
            {
                return AdminResult.Fail(Ui.Text("No such key."));
            }

            if (!key.IsActive)
            {
                return AdminResult.Unchanged(Ui.Text("This key was already revoked."));
            }

            key.Revoke(context.NowUtc);
            context.Audit(AuditActions.ApiKeyRevoked, AuditTargets.ApiKey, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{key.Name} ({key.Prefix}…)", key.UserId == actor.UserId ? null : $"Key of {key.User?.Email}");
            return AdminResult.Done(Ui.Text("Revoked the key {0}. It stops working at once.", key.Name));
        }, role: role, ct: ct);
    }

    /// <summary>A reseller's own keys; an admin sees every reseller's (or one's, with <paramref name="resellerId"/>). Anyone else is refused.</summary>
    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(Actor actor, string? resellerId = null, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<ApiKey> keys = db.Set<ApiKey>().AsNoTracking();
        if (await guard.IsActiveInRoleAsync(db, actor, Roles.Admin, ct))
        {
            keys = resellerId is null ? keys : keys.Where(k => k.UserId == resellerId);
        }
        else if (await guard.IsActiveInRoleAsync(db, actor, Roles.Reseller, ct))
        {
            keys = keys.Where(k => k.UserId == actor.UserId);
        }
        else
        {
            throw new AccessRefusedException(actor, "API keys");
        }

        var rows = await keys
            .Select(k => new { k.Id, k.UserId, k.User!.Email, k.Name, k.Prefix, k.CreatedAtUtc, k.LastUsedAtUtc, k.RevokedAtUtc, k.AllowList, k.CallbackUrl })
            .ToListAsync(ct);
        return rows
            .OrderBy(k => k.RevokedAtUtc is null ? 0 : 1).ThenByDescending(k => k.CreatedAtUtc)
            .Select(k => new ApiKeyRow(k.Id, k.UserId, k.Email ?? "", k.Name, k.Prefix, k.CreatedAtUtc, k.LastUsedAtUtc, k.RevokedAtUtc,
                k.AllowList.Split('\n', StringSplitOptions.RemoveEmptyEntries), k.CallbackUrl))
            .ToList();
    }

    /// <summary>The signing secret of a key, for signing its callbacks. Never shown or logged.</summary>
    internal string SigningSecretOf(ApiKey key) => signingSecrets.Unprotect(key.ProtectedSigningSecret);

    private static string Describe(ApiKey key)
    {
        var allow = string.IsNullOrEmpty(key.AllowList) ? "any address" : key.AllowList.Replace('\n', ' ');
        return $"Allowed from: {allow}. Callback: {key.CallbackUrl ?? "none"}.";
    }
}
