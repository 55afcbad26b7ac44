using System.Globalization;
using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Security;

namespace RechargePortal.Features.Users;

public sealed record UserRow(
    string Id, string Email, string FullName, string? Role, bool IsLocked,
    DateTime CreatedAtUtc, DateTime? LastLoginAtUtc, int FailedLogins, bool TwoFactorEnabled, bool RequireTwoFactor, int? RechargesPerMinuteLimit = null,
    string? ParentId = null, bool CanCreateSubResellers = false);

public sealed class NewUserForm
{
    public string Email { get; set; } = "";
    public string FullName { get; set; } = "";
    public string? Role { get; set; }
    public string Password { get; set; } = "";

    /// <summary>For a reseller: the reseller it hangs under; null = directly under the admins.</summary>
    public string? ParentId { get; set; }

    /// <summary>For a reseller: may create resellers under themself.</summary>
    public bool CanCreateSubResellers { get; set; }

    /// <summary>For a reseller: the commission plan of their wallet; null = the default plan.</summary>
    public long? CommissionPlanId { get; set; }
}

/// <summary>What a reseller fills in to create a reseller under themself (<c>New reseller</c> on <c>/my-resellers</c>).</summary>
public sealed class NewResellerForm
{
    public string Email { get; set; } = "";
    public string FullName { get; set; } = "";
    public string Password { get; set; } = "";
    public long? CommissionPlanId { get; set; }
    public bool CanCreateSubResellers { get; set; }
}

/// <summary>
/// Account administration: create, lock, unlock, reset password, change role, require two-factor sign-in, a reseller's
/// recharge limit, each one <see cref="AdminActions"/> act. Creating an admin, resetting a password and changing a role
/// need a step-up.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, AdminActions actions, IOptions<ResellerOptions> resellerOptions, TimeProvider time)
{
    private int MaxDepth => resellerOptions.Value.MaxDepth;

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var roles = await db.UserRoles
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToDictionaryAsync(x => x.UserId, x => x.Name, ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        var now = time.GetUtcNow();
        return users.Select(u => new UserRow(
                u.Id, u.Email ?? "", u.FullName, roles.GetValueOrDefault(u.Id), u.IsLockedAt(now),
                u.CreatedAtUtc, u.LastLoginAtUtc, u.AccessFailedCount, u.TwoFactorEnabled, u.RequireTwoFactor, u.RechargesPerMinuteLimit,
                u.ParentId, u.CanCreateSubResellers))
            .ToList();
    }

    /// <summary>An admin creates an account; a reseller anywhere in the tree (<see cref="NewUserForm.ParentId"/>).</summary>
    public Task<AdminResult> CreateAsync(Actor actor, NewUserForm form, CancellationToken ct = default) =>
        CreateCoreAsync(actor, form, Roles.Admin, ct);

    /// <summary>A reseller allowed to (<see cref="PortalUser.CanCreateSubResellers"/>) creates a reseller under themself.</summary>
    public Task<AdminResult> CreateChildAsync(Actor parent, NewResellerForm form, CancellationToken ct = default) =>
        CreateCoreAsync(parent, new NewUserForm
        {
            Email = form.Email,
            FullName = form.FullName,
            Password = form.Password,
            Role = Roles.Reseller,
            ParentId = parent.UserId,
            CanCreateSubResellers = form.CanCreateSubResellers,
            CommissionPlanId = form.CommissionPlanId,
        }, Roles.Reseller, ct);

    private async Task<AdminResult> CreateCoreAsync(Actor actor, NewUserForm form, string actingRole, CancellationToken ct)
    {
        var email = form.Email.Trim();
        var fullName = form.FullName.Trim();
        var errors = new Dictionary<string, string>();
        if (!IsEmail(email))
        {
            errors[nameof(NewUserForm.Email)] = email.Length == 0 ? Ui.Text("Enter an email address.") : Ui.Text("Enter a valid email address.");
        }

        if (fullName.Length == 0)
        {
            errors[nameof(NewUserForm.FullName)] = Ui.Text("Enter the person's full name.");
        }
        else if (fullName.Length > 100)
        {
            errors[nameof(NewUserForm.FullName)] = Ui.Text("Use at most 100 characters.");
        }

        if (!Roles.IsKnown(form.Role))
        {
            errors[nameof(NewUserForm.Role)] = Ui.Text("Choose a role.");
        }

        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            FullName = fullName,
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
            // The admin knows this password: it is the person's to replace at their first sign-in.
            MustChangePassword = true,
        };
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Every field is checked before the step-up, so a code is not spent on a form that cannot pass.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            if (!errors.ContainsKey(nameof(NewUserForm.Email)) && await users.FindByEmailAsync(email) is not null)
            {
                errors[nameof(NewUserForm.Email)] = Ui.Text("An account with this email already exists.");
            }

            if (await ValidatePasswordAsync(users, user, form.Password) is { } passwordError)
            {
                errors[nameof(NewUserForm.Password)] = passwordError;
            }
        }

        if (errors.Count > 0)
        {
            return AdminResult.FieldFail(errors);
        }

        var reseller = form.Role == Roles.Reseller;
        user.ParentId = reseller ? form.ParentId : null;
        user.CanCreateSubResellers = reseller && form.CanCreateSubResellers;
        return await actions.RunAsync(actor, async action =>
        {
            var users = action.Users;
            if (actingRole == Roles.Reseller
                && !await action.Db.Users.AnyAsync(u => u.Id == action.Actor.UserId && u.CanCreateSubResellers, ct))
            {
                return AdminResult.Fail(Ui.Text("Your account may not create resellers."));
            }

            if (reseller && await PlacementProblemAsync(action.Db, user.ParentId, 1, ct) is { } placement)
            {
                return AdminResult.FieldFail(nameof(NewUserForm.ParentId), placement);
            }

            if (reseller)
            {
                var plan = await action.Db.CommissionPlans.AsNoTracking().Include(p => p.Rates)
                    .FirstOrDefaultAsync(p => form.CommissionPlanId == null ? p.IsDefault : p.Id == form.CommissionPlanId, ct);
                if (form.CommissionPlanId is not null && plan is null)
                {
                    return AdminResult.FieldFail(nameof(NewUserForm.CommissionPlanId), Ui.Text("That plan no longer exists."));
                }

                if (plan is not null && await Commissions.CommissionTree.AboveParentAsync(action.Db, user.ParentId, plan, ct) is { Count: > 0 } above)
                {
                    return AdminResult.FieldFail(nameof(NewUserForm.CommissionPlanId), Ui.Text("A child never earns more than its parent: {0}.", string.Join("; ", above)));
                }
            }

            var created = await users.CreateAsync(user, form.Password);
            if (!created.Succeeded)
            {
                return AdminResult.FieldFail(new Dictionary<string, string>
                {
                    [nameof(NewUserForm.Email)] = Describe(created),
                });
            }

            await users.AddToRoleAsync(user, form.Role!);
            var details = $"role {form.Role}";
            if (reseller)
            {
                await WalletService.EnsureWalletAsync(action.Db, user.Id, user.CreatedAtUtc, ct);
                action.Db.Wallets.Local.Single(w => w.UserId == user.Id).CommissionPlanId = form.CommissionPlanId;
                var parentEmail = user.ParentId is null ? null : await action.Db.Users.Where(u => u.Id == user.ParentId).Select(u => u.Email).SingleAsync(ct);
                details += $" under {parentEmail ?? "the admins"}{(user.CanCreateSubResellers ? ", may create sub-resellers" : "")}";
            }

            Audit(action, AuditActions.UserCreated, user, details);
            return AdminResult.Ok;
        }, needsStepUp: form.Role == Roles.Admin, role: actingRole, ct: ct);
    }

    /// <summary>
    /// Why a subtree <paramref name="height"/> levels tall cannot hang under <paramref name="parentId"/> (null: the admins),
    /// or null when it can: the parent must be a reseller, and the tree at most <see cref="ResellerOptions.MaxDepth"/> deep.
    /// </summary>
    private async Task<string?> PlacementProblemAsync(PortalDbContext db, string? parentId, int height, CancellationToken ct)
    {
        var parentDepth = 0;
        if (parentId is not null)
        {
            var parentIsReseller = await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
                .AnyAsync(x => x.UserId == parentId && x.Name == Roles.Reseller, ct);
            if (!parentIsReseller)
            {
                return Ui.Text("The parent must be a reseller.");
            }

            parentDepth = await ResellerTree.DepthAsync(db, parentId, ct);
        }

        return parentDepth + height > MaxDepth
            ? Ui.Text("That would put resellers {0} levels deep; at most {1} are allowed.", Display.Number(parentDepth + height), Display.Number(MaxDepth))
            : null;
    }

    /// <summary>
    /// Moves a reseller, with everyone below them, under another reseller (null: directly under the admins). Refused when
    /// the new parent is in the subtree itself (a cycle) or the tree would grow deeper than <see cref="ResellerOptions.MaxDepth"/>.
    /// </summary>
    public Task<AdminResult> MoveSubtreeAsync(Actor admin, string userId, string? newParentId, CancellationToken ct = default) =>
        OnOtherUserAsync(admin, userId, "move", async (action, users, user) =>
        {
            if (!await users.IsInRoleAsync(user, Roles.Reseller))
            {
                return AdminResult.Fail(Ui.Text("Only resellers hang in the reseller tree."));
            }

            if (user.ParentId == newParentId)
            {
                return AdminResult.Unchanged();
            }

            if (newParentId is not null
                && (newParentId == user.Id || (await ResellerTree.DescendantsAsync(action.Db, user.Id, ct)).Any(d => d.Id == newParentId)))
            {
                return AdminResult.FieldFail("Parent", Ui.Text("A reseller cannot move under themself or anyone below them."));
            }

            if (await PlacementProblemAsync(action.Db, newParentId, await ResellerTree.HeightAsync(action.Db, user.Id, ct), ct) is { } problem)
            {
                return AdminResult.FieldFail("Parent", problem);
            }

            var before = await EmailOfAsync(action.Db, user.ParentId, ct);
            user.ParentId = newParentId;
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return AdminResult.Fail(Describe(updated));
            }

            Audit(action, AuditActions.ResellerMoved, user, $"{before} → {await EmailOfAsync(action.Db, newParentId, ct)}");
            return AdminResult.Ok;
        }, ct, needsStepUp: true);

    /// <summary>An admin allows (or no longer allows) a reseller to create resellers under themself.</summary>
    public Task<AdminResult> SetCanCreateSubResellersAsync(Actor admin, string userId, bool allowed, CancellationToken ct = default) =>
        OnOtherUserAsync(admin, userId, "change", (action, users, user) => SetCanCreateAsync(action, users, user, allowed), ct);

    // ---- A reseller's acts on resellers below them (never on themself, a sibling or an ancestor) ----

    /// <summary>A parent allows (or no longer allows) a reseller below them to create resellers.</summary>
    public Task<AdminResult> SetChildCanCreateSubResellersAsync(Actor parent, string childId, bool allowed, CancellationToken ct = default) =>
        OnChildAsync(parent, childId, (action, users, child) => SetCanCreateAsync(action, users, child, allowed), ct);

    public Task<AdminResult> LockChildAsync(Actor parent, string childId, CancellationToken ct = default) =>
        OnChildAsync(parent, childId, (action, users, child) => LockCoreAsync(action, users, child), ct);

    public Task<AdminResult> UnlockChildAsync(Actor parent, string childId, CancellationToken ct = default) =>
        OnChildAsync(parent, childId, (action, users, child) => UnlockCoreAsync(action, users, child), ct);

    /// <summary>
    /// Gives a reseller below the parent a temporary password (shown once in the result's message): their sessions end, and
    /// they choose their own at the next sign-in, as after an admin's reset. Confirmed with the parent's own password or code.
    /// </summary>
    public Task<AdminResult> ResetChildPasswordAsync(Actor parent, string childId, CancellationToken ct = default) =>
        OnChildAsync(parent, childId, async (action, users, child) =>
        {
            var temporary = PasswordGenerator.Generate();
            var token = await users.GeneratePasswordResetTokenAsync(child);
            child.MustChangePassword = true;
            var reset = await users.ResetPasswordAsync(child, token, temporary);
            if (!reset.Succeeded)
            {
                return AdminResult.Fail(Describe(reset));
            }

            Audit(action, AuditActions.PasswordReset, child, "temporary password by their parent");
            return AdminResult.Done(Ui.Text("Temporary password for {0}: {1}", child.Email, temporary));
        }, ct, needsStepUp: true);

    private Task<AdminResult> OnChildAsync(
        Actor parent, string childId, Func<AdminActionContext, UserManager<PortalUser>, PortalUser, Task<AdminResult>> act, CancellationToken ct, bool needsStepUp = false) =>
        actions.RunAsync(parent, async action =>
        {
            var child = await action.Users.FindByIdAsync(childId);
            // Anyone not below the parent reads as not there: a sibling learns nothing.
            if (child is null || !await ResellerTree.IsAncestorAsync(action.Db, parent.UserId, child.Id, ct))
            {
                return AdminResult.Fail(Ui.Text("That reseller is not one of yours."));
            }

            return await act(action, action.Users, child);
        }, needsStepUp, role: Roles.Reseller, ct: ct);

    private static async Task<AdminResult> SetCanCreateAsync(AdminActionContext action, UserManager<PortalUser> users, PortalUser user, bool allowed)
    {
        if (user.CanCreateSubResellers == allowed)
        {
            return AdminResult.Unchanged();
        }

        if (allowed && !await users.IsInRoleAsync(user, Roles.Reseller))
        {
            return AdminResult.Fail(Ui.Text("Only resellers create resellers."));
        }

        user.CanCreateSubResellers = allowed;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return AdminResult.Fail(Describe(updated));
        }

        Audit(action, AuditActions.SubResellersAllowed, user, allowed ? "may create sub-resellers" : "may no longer create sub-resellers");
        return AdminResult.Ok;
    }

    private static async Task<string> EmailOfAsync(PortalDbContext db, string? userId, CancellationToken ct) =>
        userId is null ? "the admins" : await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct) ?? userId;

    public Task<AdminResult> LockAsync(Actor actor, string userId, CancellationToken ct = default) =>
        OnOtherUserAsync(actor, userId, "lock", LockCoreAsync, ct);

    public Task<AdminResult> UnlockAsync(Actor actor, string userId, CancellationToken ct = default) =>
        OnOtherUserAsync(actor, userId, "unlock", UnlockCoreAsync, ct);

    private static async Task<AdminResult> LockCoreAsync(AdminActionContext action, UserManager<PortalUser> users, PortalUser user)
    {
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
        // A new stamp ends the user's open sessions at their next check.
        await users.UpdateSecurityStampAsync(user);
        Audit(action, AuditActions.UserLocked, user);
        return AdminResult.Ok;
    }

    private static async Task<AdminResult> UnlockCoreAsync(AdminActionContext action, UserManager<PortalUser> users, PortalUser user)
    {
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        Audit(action, AuditActions.UserUnlocked, user);
        return AdminResult.Ok;
    }

    public async Task<AdminResult> ResetPasswordAsync(Actor actor, string userId, string newPassword, CancellationToken ct = default)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Checked before the step-up, so a code is not spent on a password that cannot pass.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            if (await users.FindByIdAsync(userId) is { } target && await ValidatePasswordAsync(users, target, newPassword) is { } passwordError)
            {
                return AdminResult.FieldFail("Password", passwordError);
            }
        }

        return await OnOtherUserAsync(actor, userId, "reset the password of", async (action, users, user) =>
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            user.MustChangePassword = true;
            var reset = await users.ResetPasswordAsync(user, token, newPassword);
            if (!reset.Succeeded)
            {
                return AdminResult.Fail(Describe(reset));
            }

            Audit(action, AuditActions.PasswordReset, user);
            return AdminResult.Ok;
        }, ct, needsStepUp: true);
    }

    public Task<AdminResult> ChangeRoleAsync(Actor actor, string userId, string? role, CancellationToken ct = default)
    {
        if (!Roles.IsKnown(role))
        {
            return Task.FromResult(AdminResult.FieldFail("Role", Ui.Text("Choose a role.")));
        }

        return OnOtherUserAsync(actor, userId, "change the role of", async (action, users, user) =>
        {
            var current = await users.GetRolesAsync(user);
            if (current.Count == 1 && current[0] == role)
            {
                return AdminResult.Unchanged();
            }

            await users.RemoveFromRolesAsync(user, current);
            await users.AddToRoleAsync(user, role!);
            if (role == Roles.Reseller)
            {
                await WalletService.EnsureWalletAsync(action.Db, user.Id, action.NowUtc, ct);
            }

            // Roles live in the session cookie: a new stamp makes the user sign in again with the new role.
            await users.UpdateSecurityStampAsync(user);
            Audit(action, AuditActions.RoleChanged, user, $"{string.Join(",", current)} → {role}");
            return AdminResult.Ok;
        }, ct, needsStepUp: true);
    }

    /// <summary>
    /// Requires (or no longer requires) the user to sign in with an authenticator code. Requiring it ends their open
    /// sessions (as a lock does); one without it is then sent to set it up right after signing in again.
    /// </summary>
    public Task<AdminResult> SetTwoFactorRequiredAsync(Actor actor, string userId, bool required, CancellationToken ct = default) =>
        OnOtherUserAsync(actor, userId, "change the two-factor requirement of", async (action, users, user) =>
        {
            if (user.RequireTwoFactor == required)
            {
                return AdminResult.Unchanged();
            }

            user.RequireTwoFactor = required;
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return AdminResult.Fail(Describe(updated));
            }

            if (required)
            {
                // An open page navigates inside its circuit, past the check on each request: a new stamp ends it.
                await users.UpdateSecurityStampAsync(user);
            }

            Audit(action, required ? AuditActions.TwoFactorRequired : AuditActions.TwoFactorNoLongerRequired, user);
            return AdminResult.Ok;
        }, ct);

    /// <summary>
    /// Gives a reseller a limit of recharge placements per minute of their own (null: back to
    /// <c>RateLimits:RechargesPerResellerPerMinute</c>). Takes effect at their next placement.
    /// </summary>
    public Task<AdminResult> SetRechargesPerMinuteLimitAsync(Actor actor, string userId, int? perMinute, CancellationToken ct = default)
    {
        if (perMinute is < 1 or > RateLimitOptions.MaxRechargesPerMinute)
        {
            return Task.FromResult(AdminResult.FieldFail("Limit", Ui.Text("Enter a number from 1 to {0}, or leave it empty for the default.", Display.Number(RateLimitOptions.MaxRechargesPerMinute, "0"))));
        }

        return OnOtherUserAsync(actor, userId, "change the recharge limit of", async (action, users, user) =>
        {
            if (!await users.IsInRoleAsync(user, Roles.Reseller))
            {
                return AdminResult.Fail(Ui.Text("Only resellers place recharges."));
            }

            var before = user.RechargesPerMinuteLimit;
            if (before == perMinute)
            {
                return AdminResult.Unchanged();
            }

            user.RechargesPerMinuteLimit = perMinute;
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return AdminResult.Fail(Describe(updated));
            }

            Audit(action, AuditActions.RechargeLimitChanged, user, $"{PerMinute(before)} → {PerMinute(perMinute)} recharges a minute");
            return AdminResult.Ok;
        }, ct);

        static string PerMinute(int? limit) => limit?.ToString(CultureInfo.InvariantCulture) ?? "default";
    }

    private Task<AdminResult> OnOtherUserAsync(
        Actor actor, string userId, string verb,
        Func<AdminActionContext, UserManager<PortalUser>, PortalUser, Task<AdminResult>> act, CancellationToken ct, bool needsStepUp = false)
    {
        if (userId == actor.UserId)
        {
            // Keeps at least the acting admin able to undo whatever they do.
            return Task.FromResult(AdminResult.Fail(Ui.Text($"You cannot {verb} your own account.")));
        }

        return actions.RunAsync(actor, async action =>
        {
            var user = await action.Users.FindByIdAsync(userId);
            return user is null ? AdminResult.Fail(Ui.Text("That account no longer exists.")) : await act(action, action.Users, user);
        }, needsStepUp, ct: ct);
    }

    private static void Audit(AdminActionContext act, string what, PortalUser target, string? details = null) =>
        act.Audit(what, AuditTargets.User, target.Id, target.Email, details);

    private static async Task<string?> ValidatePasswordAsync(UserManager<PortalUser> users, PortalUser user, string password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Ui.Text("Enter a password.");
        }

        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            problems.AddRange(result.Errors.Select(e => e.Description));
        }

        return problems.Count == 0 ? null : string.Join(" ", problems);
    }

    private static bool IsEmail(string value) =>
        value.Length is > 3 and <= 256 && MailAddress.TryCreate(value, out var parsed) && parsed.Address == value;

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
