using Microsoft.AspNetCore.Identity;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Localization;

namespace RechargePortal.Security;

/// <summary>
/// What an admin action did: success (with a line for the page when there is more to say than "done"), or the reasons
/// it changed nothing, per field where there is one (<see cref="StepUp.Field"/> for a missing or wrong step-up).
/// </summary>
public sealed record AdminResult(bool Succeeded, IReadOnlyDictionary<string, string> FieldErrors, string? Error, string? Message = null)
{
    private static readonly IReadOnlyDictionary<string, string> NoErrors = new Dictionary<string, string>();

    public static readonly AdminResult Ok = new(true, NoErrors, null);

    /// <summary>Nothing needed doing (already so, already recorded): a success, and the action's transaction is rolled back.</summary>
    internal bool ChangedNothing { get; private init; }

    public static AdminResult Done(string message) => new(true, NoErrors, null, message);

    public static AdminResult Unchanged(string? message = null) => new(true, NoErrors, null, message) { ChangedNothing = true };

    public static AdminResult Fail(string error) => new(false, NoErrors, error);

    public static AdminResult FieldFail(string field, string error) => new(false, new Dictionary<string, string> { [field] = error }, null);

    public static AdminResult FieldFail(IReadOnlyDictionary<string, string> errors) => new(false, errors, null);

    public string? ErrorFor(string field) => FieldErrors.GetValueOrDefault(field);

    /// <summary>Why it was refused, in one line (the general error, else the field errors).</summary>
    public string Problem => Error ?? string.Join(" ", FieldErrors.Values);

    public bool NeedsStepUp => FieldErrors.ContainsKey(StepUp.Field);
}

/// <summary>What an action's body gets: the transaction's context, the acting admin, the clock, and the audit log.</summary>
public sealed class AdminActionContext(PortalDbContext db, IServiceProvider services, Actor actor, DateTime nowUtc, bool steppedUp)
{
    private readonly List<Action> afterCommit = [];

    public PortalDbContext Db { get; } = db;

    public Actor Actor { get; } = actor;

    public DateTime NowUtc { get; } = nowUtc;

    /// <summary>Identity's user manager on this action's context (its changes commit or roll back with the action).</summary>
    public UserManager<PortalUser> Users => services.GetRequiredService<UserManager<PortalUser>>();

    /// <summary>Adds the audit entry of this act (saved with it); a stepped-up act says so in its details.</summary>
    public AuditEntry Audit(string action, string targetType, string? targetId, string? targetDisplay, string? details = null)
    {
        if (steppedUp)
        {
            details = string.IsNullOrEmpty(details) ? StepUp.AuditNote : $"{details} [{StepUp.AuditNote}]";
        }

        var entry = AuditEntry.Create(NowUtc, Actor.UserId, Actor.Email, action, targetType, targetId, targetDisplay, details);
        Db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>Runs after a successful commit (live-page notifications), never for a refused or rolled-back act.</summary>
    public void AfterCommit(Action action) => afterCommit.Add(action);

    internal void RunAfterCommit() => afterCommit.ForEach(a => a());
}

/// <summary>
/// The one way an admin (or another privileged role) changes something: step-up first when the act asks for it, then one
/// transaction that re-checks the actor against the database (role, lock, security stamp), runs the act, saves its
/// audit entry with it and commits — or rolls everything back when the act refuses. New actions cannot forget a check.
/// </summary>
public sealed class AdminActions(IServiceScopeFactory scopes, ActiveUserGuard guard, StepUp stepUp, TimeProvider time, ILogger<AdminActions> logger)
{
    /// <summary>The refusal of an actor who may no longer act, in the reader's language.</summary>
    public static string NotAllowed => Ui.Text("Your session no longer allows this action. Sign in again.");

    public async Task<AdminResult> RunAsync(
        Actor actor, Func<AdminActionContext, Task<AdminResult>> act, bool needsStepUp = false, string role = Roles.Admin, CancellationToken ct = default)
    {
        // Checked (and a wrong answer counted towards the lockout) before the transaction, which a refusal rolls back.
        if (needsStepUp && await stepUp.VerifyAsync(actor, ct) is { } refused)
        {
            return refused;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await guard.IsActiveInRoleAsync(db, actor, role, ct))
        {
            logger.LogWarning("Refused an action by {ActorId}: no longer an active {Role}.", actor.UserId, role);
            return AdminResult.Fail(NotAllowed);
        }

        var context = new AdminActionContext(db, scope.ServiceProvider, actor, time.GetUtcNow().UtcDateTime, needsStepUp);
        var result = await act(context);
        if (!result.Succeeded || result.ChangedNothing)
        {
            await tx.RollbackAsync(ct);
            return result;
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        context.RunAfterCommit();
        return result;
    }
}
