using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Security;

namespace RechargePortal.Features.BalanceRequests;

/// <summary>What a reseller fills in under <c>Request balance</c>.</summary>
public sealed record NewBalanceRequest(Money Amount, PaymentMethod? Method, string? PaidFrom, string? TransactionId, string? Note);

/// <summary>One request as the pages show it; <see cref="SentTo"/> is the parent's email, or "the admins".</summary>
public sealed record BalanceRequestRow(
    long Id, DateTime CreatedAtUtc, string RequesterId, string RequesterEmail, string RequesterName, string? ApproverId, string SentTo, Money Amount,
    PaymentMethod Method, string PaidFrom, string TransactionId, string Note, BalanceRequestStatus Status, DateTime? DecidedAtUtc, string? DecidedByEmail,
    string? RejectionReason);

/// <summary>A pending request to the viewer, with what the requester holds now and their latest decided requests to the viewer.</summary>
public sealed record PendingBalanceRequest(BalanceRequestRow Request, Money RequesterBalance, IReadOnlyList<BalanceRequestRow> RequesterRecent);

/// <summary><c>Requests to me</c>: for a parent, their children's requests; for an admin, the top-level resellers'.</summary>
public sealed record RequestsToMe(IReadOnlyList<PendingBalanceRequest> Pending, IReadOnlyList<BalanceRequestRow> Recent);

/// <summary>What approving would do now: both wallets before and after (the approver's only for a parent); <see cref="Problem"/> when it cannot.</summary>
public sealed record ApprovalPreview(BalanceRequestRow Request, Money? YourBefore, Money? YourAfter, Money TheirBefore, Money TheirAfter, string? Problem);

/// <summary>
/// Balance requests: a reseller asks the one above them (their parent, or the admins for a top-level reseller) for balance they
/// paid for outside the portal; that one approves — the money moves through <see cref="WalletService"/>'s transfer, or an admin's
/// deposit, in the same transaction — or rejects with a reason. Every act is an <see cref="AdminActions"/> act (actor re-checked,
/// audited, one transaction). A decision is a conditional update from Pending, and the money move's request id is the request's,
/// so racing approvals move money once.
/// </summary>
public sealed class BalanceRequestService(
    IDbContextFactory<PortalDbContext> dbs, ActiveUserGuard guard, AdminActions actions, WalletService wallets, StepUp stepUp,
    BalanceRequestNotifier notifier, ILogger<BalanceRequestService> logger)
{
    public const string NotYours = "That request is not one of yours.";
    public const string TheAdmins = "the admins";
    private const int RecentCount = 20;
    private const int RecentPerRequester = 3;

    // ---- The requester ----

    /// <summary><c>Send request</c>. <paramref name="clientRequestId"/> makes a double click send one request.</summary>
    public Task<AdminResult> SendAsync(Actor requester, NewBalanceRequest form, string clientRequestId, CancellationToken ct = default)
    {
        var paidFrom = (form.PaidFrom ?? "").Trim();
        var transactionId = (form.TransactionId ?? "").Trim();
        var note = (form.Note ?? "").Trim();
        var errors = new Dictionary<string, string>();
        if (!form.Amount.IsPositive)
        {
            errors["Amount"] = Ui.Text("The amount must be more than zero.");
        }
        else if (form.Amount > Money.MaxInput)
        {
            errors["Amount"] = Ui.Text("That is more than the largest amount allowed ({0}).", Display.Money(Money.MaxInput));
        }

        if (form.Method is null)
        {
            errors["Method"] = Ui.Text("Choose how you paid.");
        }

        if (paidFrom.Length == 0)
        {
            errors["PaidFrom"] = Ui.Text("Enter the account or number you paid from.");
        }
        else if (paidFrom.Length > BalanceRequest.MaxPaidFromLength)
        {
            errors["PaidFrom"] = Ui.Text("Use at most {0} characters.", Display.Number(BalanceRequest.MaxPaidFromLength));
        }

        if (BalanceRequest.KeyOf(transactionId).Length == 0)
        {
            errors["TransactionId"] = Ui.Text("Enter the payment's transaction ID (the receipt number for cash).");
        }
        else if (transactionId.Length > BalanceRequest.MaxTransactionIdLength)
        {
            errors["TransactionId"] = Ui.Text("Use at most {0} characters.", Display.Number(BalanceRequest.MaxTransactionIdLength));
        }

        if (note.Length > BalanceRequest.MaxNoteLength)
        {
            errors["Note"] = Ui.Text("Use at most {0} characters.", Display.Number(BalanceRequest.MaxNoteLength));
        }

        if (errors.Count > 0)
        {
            return Task.FromResult(AdminResult.FieldFail(errors));
        }

        if (string.IsNullOrWhiteSpace(clientRequestId) || clientRequestId.Length > 64)
        {
            throw new ArgumentException("A client request id is required.", nameof(clientRequestId));
        }

        var method = form.Method!.Value;
        var key = BalanceRequest.KeyOf(transactionId);
        return actions.RunAsync(requester, async action =>
        {
            var db = action.Db;
            var requests = db.Set<BalanceRequest>();
            if (await requests.AnyAsync(r => r.ClientRequestId == clientRequestId, ct))
            {
                return AdminResult.Unchanged(Ui.Text("That request was already sent; nothing changed."));
            }

            if (await requests.AnyAsync(r => r.Method == method && r.TransactionKey == key, ct))
            {
                return DuplicateTransaction(method, transactionId);
            }

            var parent = await db.Users.Where(u => u.Id == requester.UserId)
                .Select(u => new { u.ParentId, ParentEmail = db.Users.Where(p => p.Id == u.ParentId).Select(p => p.Email).FirstOrDefault() })
                .SingleAsync(ct);
            var request = BalanceRequest.Create(requester.UserId, parent.ParentId, form.Amount, method, paidFrom, transactionId, note, clientRequestId, action.NowUtc);
            requests.Add(request);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
            {
                // A unique key caught what the checks above let through (they run in this write-locked transaction, so only by a bug).
                logger.LogWarning("Duplicate balance request refused by the database: {Message}", e.InnerException?.Message);
                return DuplicateTransaction(method, transactionId);
            }

            var sentTo = parent.ParentEmail ?? TheAdmins;
            action.Audit(AuditActions.BalanceRequested, AuditTargets.BalanceRequest, IdText(request.Id), requester.Email,
                $"{form.Amount} by {method.Name()} {transactionId} from {paidFrom}, to {sentTo}{(note.Length == 0 ? "" : $": {note}")}");
            action.AfterCommit(() => notifier.Notify(new BalanceRequestChange(request.Id, requester.UserId, parent.ParentId, BalanceRequestStatus.Pending)));
            return AdminResult.Done(Ui.Text("Request for {0} sent to {1}.", Display.Money(form.Amount), sentTo == TheAdmins ? Ui.Text(TheAdmins) : sentTo));
        }, role: Roles.Reseller, ct: ct);
    }

    /// <summary>Whom the requester's requests go to: their parent's email, or <see cref="TheAdmins"/>.</summary>
    public async Task<string> SendsToAsync(Actor requester, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await guard.IsActiveInRoleAsync(db, requester, Roles.Reseller, ct))
        {
            throw new AccessRefusedException(requester, "balance requests");
        }

        return await db.Users.Where(u => u.Id == requester.UserId)
            .Select(u => db.Users.Where(p => p.Id == u.ParentId).Select(p => p.Email).FirstOrDefault()).SingleAsync(ct) ?? TheAdmins;
    }

    /// <summary>The requester's own requests, newest first.</summary>
    public async Task<IReadOnlyList<BalanceRequestRow>> MineAsync(Actor requester, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await guard.IsActiveInRoleAsync(db, requester, Roles.Reseller, ct))
        {
            throw new AccessRefusedException(requester, "balance requests");
        }

        return await db.Set<BalanceRequest>().AsNoTracking().Where(r => r.RequesterId == requester.UserId)
            .OrderByDescending(r => r.Id).Take(50).Select(AsRow(db)).ToListAsync(ct);
    }

    // ---- The one it went to: the parent, or an admin for a top-level reseller ----

    /// <summary>Pending requests to the viewer (oldest first) and their latest decided ones.</summary>
    public async Task<RequestsToMe> ToMeAsync(Actor viewer, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var isAdmin = await guard.IsActiveInRoleAsync(db, viewer, Roles.Admin, ct);
        if (!isAdmin && !await guard.IsActiveInRoleAsync(db, viewer, Roles.Reseller, ct))
        {
            throw new AccessRefusedException(viewer, "balance requests sent to them");
        }

        var toMe = ToApprover(db, isAdmin ? null : viewer.UserId);
        var pending = await toMe.Where(r => r.Status == BalanceRequestStatus.Pending).OrderBy(r => r.Id).Select(AsRow(db)).ToListAsync(ct);
        var recent = await toMe.Where(r => r.Status != BalanceRequestStatus.Pending).OrderByDescending(r => r.DecidedAtUtc).ThenByDescending(r => r.Id)
            .Take(RecentCount).Select(AsRow(db)).ToListAsync(ct);
        var requesters = pending.Select(p => p.RequesterId).Distinct().ToList();
        var balances = await db.Wallets.AsNoTracking().Where(w => requesters.Contains(w.UserId)).ToDictionaryAsync(w => w.UserId, w => w.Balance, ct);
        var theirs = new Dictionary<string, List<BalanceRequestRow>>();
        foreach (var requester in requesters)
        {
            theirs[requester] = await toMe.Where(r => r.RequesterId == requester && r.Status != BalanceRequestStatus.Pending)
                .OrderByDescending(r => r.Id).Take(RecentPerRequester).Select(AsRow(db)).ToListAsync(ct);
        }

        return new RequestsToMe(
            pending.Select(p => new PendingBalanceRequest(p, balances.GetValueOrDefault(p.RequesterId), theirs[p.RequesterId])).ToList(), recent);
    }

    /// <summary>What <see cref="ApproveAsync"/> would do now; changes nothing. Refused (AccessRefusedException) for anyone it was not sent to.</summary>
    public async Task<ApprovalPreview> PreviewApprovalAsync(Actor approver, long requestId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Set<BalanceRequest>().AsNoTracking().Where(r => r.Id == requestId).Select(AsRow(db)).SingleOrDefaultAsync(ct);
        if (row is null || !await MayDecideAsync(db, approver, row.ApproverId, ct))
        {
            throw new AccessRefusedException(approver, "that balance request");
        }

        var theirs = new Money(await db.Wallets.Where(w => w.UserId == row.RequesterId).Select(w => w.BalancePoisha).SingleAsync(ct));
        Money? yours = row.ApproverId is null
            ? null
            : new Money(await db.Wallets.Where(w => w.UserId == approver.UserId).Select(w => w.BalancePoisha).SingleAsync(ct));
        var problem = row.Status != BalanceRequestStatus.Pending
                ? Ui.Text(row.Status == BalanceRequestStatus.Approved ? "This request is already approved." : "This request is already rejected.")
            : yours is { } mine && mine < row.Amount ? Ui.Text("Your balance is only {0}; this request needs {1}.", Display.Money(mine), Display.Money(row.Amount))
            : null;
        return new ApprovalPreview(row, yours, yours - row.Amount, theirs, theirs + row.Amount, problem);
    }

    /// <summary>
    /// <c>Approve</c> + <c>Confirm</c>: from Pending to Approved and the money moved, in one transaction — a transfer from the parent, or
    /// a deposit by the admin. Refused, with nothing changed, when the parent's balance is short or the request is no longer pending.
    /// </summary>
    public async Task<AdminResult> ApproveAsync(Actor approver, long requestId, CancellationToken ct = default)
    {
        var route = await RouteAsync(approver, requestId, ct);
        if (route is null)
        {
            return AdminResult.Fail(Ui.Text(NotYours));
        }

        var (approverId, amount) = route.Value;
        return await actions.RunAsync(approver, async action =>
        {
            var db = action.Db;
            // The state guard: only one decision ever finds the request pending.
            var claimed = await db.Set<BalanceRequest>()
                .Where(r => r.Id == requestId && r.Status == BalanceRequestStatus.Pending && r.ApproverId == approverId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, BalanceRequestStatus.Approved)
                    .SetProperty(r => r.DecidedAtUtc, action.NowUtc)
                    .SetProperty(r => r.DecidedById, approver.UserId)
                    .SetProperty(r => r.DecidedByEmail, approver.Email), ct);
            if (claimed == 0)
            {
                return await AlreadyDecidedAsync(db, requestId, approving: true, ct);
            }

            var request = await db.Set<BalanceRequest>().AsNoTracking().Where(r => r.Id == requestId)
                .Select(r => new { r.RequesterId, r.Requester!.Email, r.Method, r.TransactionId, WalletId = db.Wallets.Where(w => w.UserId == r.RequesterId).Select(w => w.Id).Single() })
                .SingleAsync(ct);
            var note = ResellerWording.BalanceRequestNote(requestId, request.Method, request.TransactionId);
            var moneyRequestId = BalanceRequest.MoneyMoveRequestId(requestId);
            var moved = approverId is null
                ? await wallets.AdminMoveInActionAsync(action, request.WalletId, LedgerKind.Deposit, amount,
                    Truncate($"{request.Method.Name()} {request.TransactionId}", WalletService.MaxReferenceLength), note, moneyRequestId, ct)
                : await wallets.TransferInActionAsync(action, request.RequesterId, amount, note, moneyRequestId, down: true, ct);
            if (!moved.Succeeded)
            {
                return moved.ErrorFor("Amount") is { } shortBy
                    ? AdminResult.Fail(Ui.Text("{0} This request needs {1}; nothing changed.", shortBy, Display.Money(amount)))
                    : moved;
            }

            if (moved.ChangedNothing)
            {
                return moved;
            }

            action.Audit(AuditActions.BalanceRequestApproved, AuditTargets.BalanceRequest, IdText(requestId), request.Email,
                $"{amount} by {request.Method.Name()} {request.TransactionId}");
            action.AfterCommit(() => notifier.Notify(new BalanceRequestChange(requestId, request.RequesterId, approverId, BalanceRequestStatus.Approved)));
            return AdminResult.Done(Ui.Text("Approved {0} for {1}. {2}", Display.Money(amount), request.Email, moved.Message));
        }, needsStepUp: stepUp.IsNeededFor(amount), role: approverId is null ? Roles.Admin : Roles.Reseller, ct: ct);
    }

    /// <summary><c>Reject</c> with a reason the requester sees. Nothing moves.</summary>
    public async Task<AdminResult> RejectAsync(Actor approver, long requestId, string? reason, CancellationToken ct = default)
    {
        reason = (reason ?? "").Trim();
        if (reason.Length == 0)
        {
            return AdminResult.FieldFail("Reason", Ui.Text("Say why, so they can put it right."));
        }

        if (reason.Length > BalanceRequest.MaxReasonLength)
        {
            return AdminResult.FieldFail("Reason", Ui.Text("Use at most {0} characters.", Display.Number(BalanceRequest.MaxReasonLength)));
        }

        var route = await RouteAsync(approver, requestId, ct);
        if (route is null)
        {
            return AdminResult.Fail(Ui.Text(NotYours));
        }

        var (approverId, amount) = route.Value;
        return await actions.RunAsync(approver, async action =>
        {
            var db = action.Db;
            var claimed = await db.Set<BalanceRequest>()
                .Where(r => r.Id == requestId && r.Status == BalanceRequestStatus.Pending && r.ApproverId == approverId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, BalanceRequestStatus.Rejected)
                    .SetProperty(r => r.RejectionReason, reason)
                    .SetProperty(r => r.DecidedAtUtc, action.NowUtc)
                    .SetProperty(r => r.DecidedById, approver.UserId)
                    .SetProperty(r => r.DecidedByEmail, approver.Email), ct);
            if (claimed == 0)
            {
                return await AlreadyDecidedAsync(db, requestId, approving: false, ct);
            }

            var request = await db.Set<BalanceRequest>().AsNoTracking().Where(r => r.Id == requestId)
                .Select(r => new { r.RequesterId, r.Requester!.Email, r.Method, r.TransactionId }).SingleAsync(ct);
            action.Audit(AuditActions.BalanceRequestRejected, AuditTargets.BalanceRequest, IdText(requestId), request.Email,
                $"{amount} by {request.Method.Name()} {request.TransactionId}: {reason}");
            action.AfterCommit(() => notifier.Notify(new BalanceRequestChange(requestId, request.RequesterId, approverId, BalanceRequestStatus.Rejected)));
            return AdminResult.Done(Ui.Text("Rejected the request of {0}.", request.Email));
        }, role: approverId is null ? Roles.Admin : Roles.Reseller, ct: ct);
    }

    // ---- Mechanics ----

    /// <summary>Whom the request went to and its amount, when the actor is that one (the parent, or an active admin for the admins); else null.</summary>
    private async Task<(string? ApproverId, Money Amount)?> RouteAsync(Actor actor, long requestId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var request = await db.Set<BalanceRequest>().AsNoTracking().Where(r => r.Id == requestId)
            .Select(r => new { r.ApproverId, r.AmountPoisha }).SingleOrDefaultAsync(ct);
        return request is not null && await MayDecideAsync(db, actor, request.ApproverId, ct) ? (request.ApproverId, new Money(request.AmountPoisha)) : null;
    }

    private async Task<bool> MayDecideAsync(PortalDbContext db, Actor actor, string? approverId, CancellationToken ct) =>
        approverId is null
            ? await guard.IsActiveInRoleAsync(db, actor, Roles.Admin, ct)
            : approverId == actor.UserId && await guard.IsActiveInRoleAsync(db, actor, Roles.Reseller, ct);

    private static IQueryable<BalanceRequest> ToApprover(PortalDbContext db, string? approverId) =>
        approverId is null
            ? db.Set<BalanceRequest>().AsNoTracking().Where(r => r.ApproverId == null)
            : db.Set<BalanceRequest>().AsNoTracking().Where(r => r.ApproverId == approverId);

    private static async Task<AdminResult> AlreadyDecidedAsync(PortalDbContext db, long requestId, bool approving, CancellationToken ct)
    {
        var now = await db.Set<BalanceRequest>().AsNoTracking().Where(r => r.Id == requestId)
            .Select(r => new { r.Status, r.DecidedByEmail }).SingleOrDefaultAsync(ct);
        return (now?.Status, approving) switch
        {
            (BalanceRequestStatus.Approved, true) => AdminResult.Unchanged(Ui.Text("This request was already approved by {0}; nothing changed.", now!.DecidedByEmail)),
            (BalanceRequestStatus.Rejected, false) => AdminResult.Unchanged(Ui.Text("This request was already rejected by {0}; nothing changed.", now!.DecidedByEmail)),
            (BalanceRequestStatus.Rejected, true) => AdminResult.Fail(Ui.Text("This request was rejected by {0}; it cannot be approved.", now!.DecidedByEmail)),
            (BalanceRequestStatus.Approved, false) => AdminResult.Fail(Ui.Text("This request was approved by {0}; it cannot be rejected.", now!.DecidedByEmail)),
            _ => AdminResult.Fail(Ui.Text(NotYours)),
        };
    }

    private static AdminResult DuplicateTransaction(PaymentMethod method, string transactionId) =>
        AdminResult.FieldFail("TransactionId", Ui.Text("A {0} payment with transaction ID {1} was already claimed in a request.", Ui.Text(method.Name()), transactionId));

    private static Expression<Func<BalanceRequest, BalanceRequestRow>> AsRow(PortalDbContext db) => r => new BalanceRequestRow(
        r.Id, r.CreatedAtUtc, r.RequesterId, r.Requester!.Email ?? "", r.Requester.FullName, r.ApproverId,
        db.Users.Where(u => u.Id == r.ApproverId).Select(u => u.Email).FirstOrDefault() ?? TheAdmins,
        new Money(r.AmountPoisha), r.Method, r.PaidFrom, r.TransactionId, r.Note, r.Status, r.DecidedAtUtc, r.DecidedByEmail, r.RejectionReason);

    private static string IdText(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
