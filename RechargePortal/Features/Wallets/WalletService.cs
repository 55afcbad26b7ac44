using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Localization;
using RechargePortal.Security;

namespace RechargePortal.Features.Wallets;

public enum WalletOutcome
{
    /// <summary>The entry was written and the balance changed.</summary>
    Applied,
    /// <summary>The same act was already recorded (same recharge, same request id): nothing changed.</summary>
    AlreadyApplied,
    InsufficientBalance,
    NotFound,
    /// <summary>Refused by a rule (refund after commission, an inactive admin, bad input): nothing changed.</summary>
    Refused,
}

public sealed record WalletResult(WalletOutcome Outcome, Money BalanceAfter, string? Error = null, string? Field = null)
{
    public bool Succeeded => Outcome is WalletOutcome.Applied or WalletOutcome.AlreadyApplied;
}

public sealed record WalletRow(long Id, string UserId, string Email, string FullName, Money Balance, bool IsLocked, string? PlanName);

public sealed record StatementLine(long Id, DateTime AtUtc, LedgerKind Kind, Money Amount, Money BalanceAfter, string Memo, string? Reference, long? RechargeId, string ActorEmail);

public sealed record Statement(long WalletId, string Email, DateOnly From, DateOnly To, Money Opening, Money Closing, Money Current, IReadOnlyList<StatementLine> Lines)
{
    public Money Credits => new(Lines.Where(l => l.Amount.Poisha > 0).Sum(l => l.Amount.Poisha));

    public Money Debits => new(Lines.Where(l => l.Amount.Poisha < 0).Sum(l => l.Amount.Poisha));
}

/// <summary>
/// Every change of a wallet's balance. Each one is a conditional SQL update (it cannot take the
/// balance below zero) plus an immutable ledger entry, in one write-locked transaction
/// (SQLite <c>BEGIN IMMEDIATE</c>, the default of Microsoft.Data.Sqlite), so concurrent callers
/// queue instead of overspending. Recharge refunds and commissions are at most once, by rule
/// and by a unique key.
/// </summary>
public sealed class WalletService(
    IDbContextFactory<PortalDbContext> factory, ActiveUserGuard guard, AdminActions actions, StepUp stepUp, TimeProvider time, ILogger<WalletService> logger)
{
    public const int MaxReferenceLength = 100;
    public const int MaxNoteLength = 500;

    /// <summary>Opens the wallet of a reseller inside the caller's transaction (no-op when it exists).</summary>
    public static async Task EnsureWalletAsync(PortalDbContext db, string userId, DateTime nowUtc, CancellationToken ct = default)
    {
        if (!await db.Wallets.AnyAsync(w => w.UserId == userId, ct))
        {
            db.Wallets.Add(Wallet.OpenFor(userId, nowUtc));
        }
    }

    // ---- Recharge money: the pipeline calls these inside its own transaction (state change + money in one commit) ----

    /// <summary>Holds a recharge's amount. Refused, with nothing changed, when the balance is short.</summary>
    public Task<WalletResult> HoldAsync(PortalDbContext db, string resellerId, long rechargeId, Money amount, string memo, CancellationToken ct = default) =>
        InCallerTransactionAsync(db, async () =>
        {
            if (!amount.IsPositive)
            {
                return new WalletResult(WalletOutcome.Refused, Money.Zero, Ui.Text("A recharge amount must be positive."));
            }

            var walletId = await db.Wallets.Where(w => w.UserId == resellerId).Select(w => (long?)w.Id).SingleOrDefaultAsync(ct);
            if (walletId is null)
            {
                return new WalletResult(WalletOutcome.NotFound, Money.Zero, Ui.Text("This account has no wallet."));
            }

            if (await FindRechargeEntryAsync(db, rechargeId, LedgerKind.RechargeHold, ct) is { } existing)
            {
                return new WalletResult(WalletOutcome.AlreadyApplied, existing.BalanceAfter);
            }

            return await ApplyAsync(db, walletId.Value, LedgerKind.RechargeHold, -amount, memo, null, "system", rechargeId: rechargeId, ct: ct);
        }, ct);

    /// <summary>Gives a failed recharge's hold back, once. A second call, or one after commission, changes nothing.</summary>
    public Task<WalletResult> RefundAsync(PortalDbContext db, long rechargeId, string memo, CancellationToken ct = default) =>
        InCallerTransactionAsync(db, async () =>
        {
            var hold = await FindRechargeEntryAsync(db, rechargeId, LedgerKind.RechargeHold, ct);
            if (hold is null)
            {
                return new WalletResult(WalletOutcome.NotFound, Money.Zero, "This recharge holds no money.");
            }

            if (await FindRechargeEntryAsync(db, rechargeId, LedgerKind.RechargeRefund, ct) is { } refunded)
            {
                return new WalletResult(WalletOutcome.AlreadyApplied, refunded.BalanceAfter);
            }

            if (await FindRechargeEntryAsync(db, rechargeId, LedgerKind.Commission, ct) is not null)
            {
                return new WalletResult(WalletOutcome.Refused, Money.Zero, "A recharge that earned commission cannot be refunded.");
            }

            return await ApplyAsync(db, hold.WalletId, LedgerKind.RechargeRefund, -hold.Amount, memo, null, "system", rechargeId: rechargeId, ct: ct);
        }, ct);

    /// <summary>Credits a successful recharge's commission, once. Refused after a refund.</summary>
    public Task<WalletResult> CreditCommissionAsync(PortalDbContext db, long rechargeId, Money commission, string memo, CancellationToken ct = default) =>
        InCallerTransactionAsync(db, async () =>
        {
            var hold = await FindRechargeEntryAsync(db, rechargeId, LedgerKind.RechargeHold, ct);
            if (hold is null)
            {
                return new WalletResult(WalletOutcome.NotFound, Money.Zero, "This recharge holds no money.");
            }

            if (await FindRechargeEntryAsync(db, rechargeId, LedgerKind.Commission, ct, hold.WalletId) is { } paid)
            {
                return new WalletResult(WalletOutcome.AlreadyApplied, paid.BalanceAfter);
            }

            if (await FindRechargeEntryAsync(db, rechargeId, LedgerKind.RechargeRefund, ct) is not null)
            {
                return new WalletResult(WalletOutcome.Refused, Money.Zero, "A refunded recharge earns no commission.");
            }

            if (commission.Poisha < 0)
            {
                return new WalletResult(WalletOutcome.Refused, Money.Zero, "Commission cannot be negative.");
            }

            return await ApplyAsync(db, hold.WalletId, LedgerKind.Commission, commission, memo, null, "system", rechargeId: rechargeId, ct: ct);
        }, ct);

    /// <summary>
    /// Credits an ancestor's margin on a successful recharge placed below them (a <see cref="LedgerKind.Commission"/> entry
    /// on the ancestor's wallet naming the recharge), once per recharge and wallet. Refused after a refund.
    /// </summary>
    public Task<WalletResult> CreditMarginAsync(PortalDbContext db, long rechargeId, long walletId, Money margin, string memo, CancellationToken ct = default) =>
        InCallerTransactionAsync(db, async () =>
        {
            var hold = await FindRechargeEntryAsync(db, rechargeId, LedgerKind.RechargeHold, ct);
            if (hold is null)
            {
                return new WalletResult(WalletOutcome.NotFound, Money.Zero, "This recharge holds no money.");
            }

            if (hold.WalletId == walletId)
            {
                return new WalletResult(WalletOutcome.Refused, Money.Zero, "The placer's own commission is not a margin.");
            }

            if (await FindRechargeEntryAsync(db, rechargeId, LedgerKind.Commission, ct, walletId) is { } paid)
            {
                return new WalletResult(WalletOutcome.AlreadyApplied, paid.BalanceAfter);
            }

            if (await FindRechargeEntryAsync(db, rechargeId, LedgerKind.RechargeRefund, ct) is not null)
            {
                return new WalletResult(WalletOutcome.Refused, Money.Zero, "A refunded recharge earns no commission.");
            }

            if (margin.Poisha < 0)
            {
                return new WalletResult(WalletOutcome.Refused, Money.Zero, "Commission cannot be negative.");
            }

            return await ApplyAsync(db, walletId, LedgerKind.Commission, margin, memo, null, "system", rechargeId: rechargeId, ct: ct);
        }, ct);

    /// <summary>
    /// An admin's correction of a final recharge that a provider later contradicted: one signed Adjustment entry on the
    /// placer's wallet, or on <paramref name="walletId"/> (a reseller above them whose margin the correction puts right), at
    /// most one per recharge and wallet (by rule and by the unique key). Refused beyond the balance.
    /// </summary>
    public Task<WalletResult> AdjustRechargeAsync(
        PortalDbContext db, long rechargeId, Money signedAmount, string memo, Actor admin, long auditEntryId, CancellationToken ct = default, long? walletId = null) =>
        InCallerTransactionAsync(db, async () =>
        {
            var hold = await FindRechargeEntryAsync(db, rechargeId, LedgerKind.RechargeHold, ct);
            if (hold is null)
            {
                return new WalletResult(WalletOutcome.NotFound, Money.Zero, Ui.Text("This recharge holds no money."));
            }

            var wallet = walletId ?? hold.WalletId;
            if (await FindRechargeEntryAsync(db, rechargeId, LedgerKind.Adjustment, ct, wallet) is { } done)
            {
                return new WalletResult(WalletOutcome.AlreadyApplied, done.BalanceAfter);
            }

            if (signedAmount.Poisha == 0)
            {
                return new WalletResult(WalletOutcome.Refused, Money.Zero, Ui.Text("Nothing to correct."));
            }

            return await ApplyAsync(db, wallet, LedgerKind.Adjustment, signedAmount, memo, admin.UserId, admin.Email,
                rechargeId: rechargeId, auditEntryId: auditEntryId, ct: ct);
        }, ct);

    // ---- The same, each in a transaction of its own (jobs and tests that have no recharge transaction) ----

    public Task<WalletResult> HoldAsync(string resellerId, long rechargeId, Money amount, string memo, CancellationToken ct = default) =>
        InOwnTransactionAsync(db => HoldAsync(db, resellerId, rechargeId, amount, memo, ct), ct);

    public Task<WalletResult> RefundAsync(long rechargeId, string memo, CancellationToken ct = default) =>
        InOwnTransactionAsync(db => RefundAsync(db, rechargeId, memo, ct), ct);

    public Task<WalletResult> CreditCommissionAsync(long rechargeId, Money commission, string memo, CancellationToken ct = default) =>
        InOwnTransactionAsync(db => CreditCommissionAsync(db, rechargeId, commission, memo, ct), ct);

    // ---- Admin money actions ----

    /// <summary>An admin puts money in (a bank or bKash deposit). <paramref name="requestId"/> makes a resubmit apply once.</summary>
    public Task<AdminResult> CreditAsync(Actor admin, long walletId, Money amount, string? reference, string? note, string requestId, CancellationToken ct = default) =>
        AdminMoveAsync(admin, walletId, LedgerKind.Deposit, amount, reference, note, requestId, ct);

    /// <summary>An admin takes money out. Refused beyond the balance.</summary>
    public Task<AdminResult> DebitAsync(Actor admin, long walletId, Money amount, string? reference, string? note, string requestId, CancellationToken ct = default) =>
        AdminMoveAsync(admin, walletId, LedgerKind.Withdrawal, amount, reference, note, requestId, ct);

    // ---- Transfers between a reseller and a child of theirs: one transaction, a TransferOut and a TransferIn sharing a transfer id ----

    /// <summary>Before and after of both wallets of a transfer, for the confirmation; <see cref="Problem"/> when it cannot go through.</summary>
    public sealed record TransferPreview(string ChildEmail, Money ParentBefore, Money ParentAfter, Money ChildBefore, Money ChildAfter, string? Problem);

    /// <summary>
    /// What <see cref="SendBalanceAsync"/> (<paramref name="down"/>) or <see cref="TakeBackAsync"/> would do now; changes
    /// nothing. Refused (AccessRefusedException) for anyone but the child's parent.
    /// </summary>
    public async Task<TransferPreview> PreviewTransferAsync(Actor parent, string childId, Money amount, bool down, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var pair = await TransferPairAsync(db, parent.UserId, childId, ct);
        if (pair is null || !await guard.IsActiveInRoleAsync(db, parent, Roles.Reseller, ct))
        {
            throw new AccessRefusedException(parent, "a transfer with that reseller");
        }

        var (p, c) = (new Money(pair.ParentBalance), new Money(pair.ChildBalance));
        var problem = TransferProblem(amount, null)?.Problem
            ?? (down && amount > p ? Ui.Text("Your balance is only {0}.", Display.Money(p))
                : !down && amount > c ? Ui.Text("{0} holds only {1}; you can take back at most that.", pair.ChildEmail, Display.Money(c)) : null);
        return down
            ? new TransferPreview(pair.ChildEmail, p, p - amount, c, c + amount, problem)
            : new TransferPreview(pair.ChildEmail, p, p + amount, c, c - amount, problem);
    }

    /// <summary><c>Send balance</c>: a parent moves <paramref name="amount"/> from their wallet to a child's. Refused when short.</summary>
    public Task<AdminResult> SendBalanceAsync(Actor parent, string childId, Money amount, string? note, string requestId, CancellationToken ct = default) =>
        TransferWithChildAsync(parent, childId, amount, note, requestId, down: true, ct);

    /// <summary><c>Take back</c>: a parent moves <paramref name="amount"/> from a child's wallet to their own, at most the child's balance.</summary>
    public Task<AdminResult> TakeBackAsync(Actor parent, string childId, Money amount, string? note, string requestId, CancellationToken ct = default) =>
        TransferWithChildAsync(parent, childId, amount, note, requestId, down: false, ct);

    private Task<AdminResult> TransferWithChildAsync(Actor parent, string childId, Money amount, string? note, string requestId, bool down, CancellationToken ct)
    {
        note = (note ?? "").Trim();
        if (TransferProblem(amount, note) is { } invalid)
        {
            return Task.FromResult(invalid);
        }

        if (string.IsNullOrWhiteSpace(requestId) || requestId.Length > 64)
        {
            throw new ArgumentException("A client request id is required.", nameof(requestId));
        }

        return actions.RunAsync(parent, action => TransferInActionAsync(action, childId, amount, note, requestId, down, ct),
            needsStepUp: stepUp.IsNeededFor(amount), role: Roles.Reseller, ct: ct);
    }

    /// <summary>
    /// A transfer between the acting parent and a child, inside the caller's <see cref="AdminActions"/> act (its transaction, its
    /// step-up): the body of <see cref="SendBalanceAsync"/> and <see cref="TakeBackAsync"/>, and of an approved balance request.
    /// <paramref name="note"/> is trimmed and checked by the caller.
    /// </summary>
    internal async Task<AdminResult> TransferInActionAsync(
        AdminActionContext action, string childId, Money amount, string note, string requestId, bool down, CancellationToken ct)
    {
        var parent = action.Actor;
        var db = action.Db;
        if (await db.LedgerEntries.AsNoTracking().AnyAsync(e => e.RequestId == requestId, ct))
        {
            return AdminResult.Unchanged(Ui.Text("That transfer was already made; nothing changed."));
        }

        var pair = await TransferPairAsync(db, parent.UserId, childId, ct);
        if (pair is null)
        {
            return AdminResult.Fail(Ui.Text("That reseller is not one of yours."));
        }

        var audit = action.Audit(down ? AuditActions.BalanceSent : AuditActions.BalanceTakenBack, AuditTargets.Wallet,
            pair.ChildWalletId.ToString(System.Globalization.CultureInfo.InvariantCulture), pair.ChildEmail,
            $"{amount}{(note.Length == 0 ? "" : $": {note}")}");
        await db.SaveChangesAsync(ct);

        var transferId = Guid.NewGuid().ToString("N");
        var (from, to) = down ? (pair.ParentWalletId, pair.ChildWalletId) : (pair.ChildWalletId, pair.ParentWalletId);
        var (memoOut, memoIn) = down
            ? (Resellers.ResellerWording.SentMemo(pair.ChildEmail, note), Resellers.ResellerWording.ReceivedMemo(parent.Email, note))
            : (Resellers.ResellerWording.TakenBackMemo(parent.Email, note), Resellers.ResellerWording.TookBackMemo(pair.ChildEmail, note));
        WalletResult moved;
        try
        {
            moved = await ApplyAsync(db, from, LedgerKind.TransferOut, -amount, memoOut, parent.UserId, parent.Email,
                auditEntryId: audit.Id, requestId: requestId, transferId: transferId, ct: ct);
            if (moved.Outcome == WalletOutcome.Applied)
            {
                await ApplyAsync(db, to, LedgerKind.TransferIn, amount, memoIn, parent.UserId, parent.Email,
                    auditEntryId: audit.Id, transferId: transferId, ct: ct);
            }
        }
        catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
        {
            logger.LogWarning("Duplicate transfer refused by the database: {Message}", e.InnerException?.Message);
            return AdminResult.Unchanged(Ui.Text("That transfer was already made; nothing changed."));
        }

        if (moved.Outcome != WalletOutcome.Applied)
        {
            return AdminResult.FieldFail("Amount", down
                ? Ui.Text("Your balance is only {0}.", Display.Money(moved.BalanceAfter))
                : Ui.Text("{0} holds only {1}; you can take back at most that.", pair.ChildEmail, Display.Money(moved.BalanceAfter)));
        }

        var mine = await db.Wallets.Where(w => w.Id == pair.ParentWalletId).Select(w => w.BalancePoisha).SingleAsync(ct);
        return AdminResult.Done(down
            ? Ui.Text("Sent {0} to {1}. Your balance now {2}.", Display.Money(amount), pair.ChildEmail, Display.Money(new Money(mine)))
            : Ui.Text("Took back {0} from {1}. Your balance now {2}.", Display.Money(amount), pair.ChildEmail, Display.Money(new Money(mine))));
    }

    private static AdminResult? TransferProblem(Money amount, string? note) =>
        !amount.IsPositive ? AdminResult.FieldFail("Amount", Ui.Text("The amount must be more than zero."))
        : amount > Money.MaxInput ? AdminResult.FieldFail("Amount", Ui.Text("That is more than the largest amount allowed ({0}).", Display.Money(Money.MaxInput)))
        : note?.Length > MaxNoteLength ? AdminResult.FieldFail("Note", Ui.Text("Use at most {0} characters.", Display.Number(MaxNoteLength)))
        : null;

    private sealed record TransferPair(long ParentWalletId, long ParentBalance, long ChildWalletId, long ChildBalance, string ChildEmail);

    /// <summary>The wallets of a parent and one of their own children (a direct child: money moves one level at a time); null otherwise.</summary>
    private static async Task<TransferPair?> TransferPairAsync(PortalDbContext db, string parentId, string childId, CancellationToken ct)
    {
        var child = await db.Wallets.AsNoTracking().Where(w => w.UserId == childId && w.User!.ParentId == parentId)
            .Select(w => new { w.Id, w.BalancePoisha, w.User!.Email }).SingleOrDefaultAsync(ct);
        var mine = await db.Wallets.AsNoTracking().Where(w => w.UserId == parentId).Select(w => new { w.Id, w.BalancePoisha }).SingleOrDefaultAsync(ct);
        return child is null || mine is null ? null : new TransferPair(mine.Id, mine.BalancePoisha, child.Id, child.BalancePoisha, child.Email ?? "");
    }

    /// <summary>One admin credit or debit: an <see cref="AdminActions"/> act, with a step-up above <c>Security:StepUpAmount</c>.</summary>
    private Task<AdminResult> AdminMoveAsync(
        Actor admin, long walletId, LedgerKind kind, Money amount, string? reference, string? note, string requestId, CancellationToken ct)
    {
        reference = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
        note = (note ?? "").Trim();
        var invalid =
            !amount.IsPositive ? AdminResult.FieldFail("Amount", Ui.Text("The amount must be more than zero."))
            : amount > Money.MaxInput ? AdminResult.FieldFail("Amount", Ui.Text("That is more than the largest amount allowed ({0}).", Display.Money(Money.MaxInput)))
            : reference?.Length > MaxReferenceLength ? AdminResult.FieldFail("Reference", Ui.Text("Use at most {0} characters.", Display.Number(MaxReferenceLength)))
            : note.Length > MaxNoteLength ? AdminResult.FieldFail("Note", Ui.Text("Use at most {0} characters.", Display.Number(MaxNoteLength)))
            : null;
        if (invalid is not null)
        {
            return Task.FromResult(invalid);
        }

        if (string.IsNullOrWhiteSpace(requestId) || requestId.Length > 64)
        {
            throw new ArgumentException("A client request id is required.", nameof(requestId));
        }

        return actions.RunAsync(admin, action => AdminMoveInActionAsync(action, walletId, kind, amount, reference, note, requestId, ct),
            needsStepUp: stepUp.IsNeededFor(amount), ct: ct);
    }

    /// <summary>
    /// An admin's credit or debit inside the caller's <see cref="AdminActions"/> act (its transaction, its step-up): the body of
    /// <see cref="CreditAsync"/> and <see cref="DebitAsync"/>, and of a top-level reseller's approved balance request.
    /// <paramref name="reference"/> and <paramref name="note"/> are trimmed and checked by the caller.
    /// </summary>
    internal async Task<AdminResult> AdminMoveInActionAsync(
        AdminActionContext action, long walletId, LedgerKind kind, Money amount, string? reference, string note, string requestId, CancellationToken ct)
    {
        var admin = action.Actor;
        var db = action.Db;
        var done = await db.LedgerEntries.AsNoTracking().FirstOrDefaultAsync(e => e.RequestId == requestId, ct);
        if (done is not null)
        {
            return AdminResult.Unchanged(Ui.Text("That request was already applied; nothing changed. Balance {0}.", Display.Money(done.BalanceAfter)));
        }

        var owner = await db.Wallets.Where(w => w.Id == walletId).Select(w => w.User!.Email).SingleOrDefaultAsync(ct);
        if (owner is null)
        {
            return AdminResult.Fail(Ui.Text("That wallet no longer exists."));
        }

        var credit = kind == LedgerKind.Deposit;
        var audit = action.Audit(
            credit ? AuditActions.WalletCredited : AuditActions.WalletDebited,
            AuditTargets.Wallet, walletId.ToString(System.Globalization.CultureInfo.InvariantCulture), owner,
            $"{amount}{(reference is null ? "" : $" ref {reference}")}{(note.Length == 0 ? "" : $": {note}")}");
        await db.SaveChangesAsync(ct);

        var memo = note.Length > 0 ? note : $"{(credit ? "Credit" : "Debit")} by admin";
        WalletResult moved;
        try
        {
            moved = await ApplyAsync(db, walletId, kind, credit ? amount : -amount, memo, admin.UserId, admin.Email, reference, null, audit.Id, requestId, ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
        {
            // The unique request id caught a resubmit that raced this one.
            logger.LogWarning("Duplicate wallet change refused by the database: {Message}", e.InnerException?.Message);
            return AdminResult.Unchanged(Ui.Text("That request was already applied; nothing changed."));
        }

        return moved.Outcome == WalletOutcome.Applied
            ? AdminResult.Done(Ui.Text(credit ? "Credited {0}. Balance now {1}." : "Debited {0}. Balance now {1}.", owner, Display.Money(moved.BalanceAfter)))
            : AdminResult.FieldFail("Amount", moved.Error ?? Ui.Text("The wallet refused this change."));
    }

    // ---- Reading: every wallet for an active admin or auditor, a reseller's own for them; else AccessRefusedException ----

    public async Task<IReadOnlyList<WalletRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await guard.DemandReaderAsync(db, actor, "every wallet", ct);
        return await QueryAsync(db, _ => true, ct);
    }

    public async Task<WalletRow?> FindByUserAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await guard.DemandOwnerOrReaderAsync(db, actor, userId, "a wallet", ct);
        return (await QueryAsync(db, w => w.UserId == userId, ct)).SingleOrDefault();
    }

    /// <summary>The system's read, no actor: the recharge quote of the reseller placing it (their own wallet).</summary>
    internal async Task<WalletRow?> FindByUserForSystemAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await QueryAsync(db, w => w.UserId == userId, ct)).SingleOrDefault();
    }

    private async Task<IReadOnlyList<WalletRow>> QueryAsync(PortalDbContext db, Expression<Func<Wallet, bool>> filter, CancellationToken ct)
    {
        var rows = await db.Wallets.AsNoTracking()
            .Where(filter)
            .OrderBy(w => w.User!.Email)
            .Select(w => new
            {
                w.Id,
                w.UserId,
                w.User!.Email,
                w.User.FullName,
                w.BalancePoisha,
                w.User.LockoutEnd,
                Plan = db.CommissionPlans.Where(p => p.Id == w.CommissionPlanId).Select(p => p.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        return rows.Select(r => new WalletRow(r.Id, r.UserId, r.Email ?? "", r.FullName, new Money(r.BalancePoisha), r.LockoutEnd > now, r.Plan)).ToList();
    }

    public async Task<Money> BalanceOfAsync(Actor actor, long walletId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var wallet = await db.Wallets.Where(w => w.Id == walletId).Select(w => new { w.UserId, w.BalancePoisha }).SingleOrDefaultAsync(ct);
        await guard.DemandOwnerOrReaderAsync(db, actor, wallet?.UserId, "a wallet's balance", ct);
        return new Money(wallet?.BalancePoisha ?? throw new InvalidOperationException($"No wallet {walletId}."));
    }

    /// <summary>The entries of Bangladesh days <paramref name="from"/> to <paramref name="to"/>, with opening and closing balances; null when no such wallet.</summary>
    public async Task<Statement?> StatementAsync(Actor actor, long walletId, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from)
        {
            (from, to) = (to, from);
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var wallet = await db.Wallets.AsNoTracking().Where(w => w.Id == walletId)
            .Select(w => new { w.UserId, w.BalancePoisha, w.User!.Email }).SingleOrDefaultAsync(ct);
        await guard.DemandOwnerOrReaderAsync(db, actor, wallet?.UserId, "a wallet's statement", ct);
        if (wallet is null)
        {
            return null;
        }

        var startUtc = DhakaTime.StartOfDayUtc(from);
        var endUtc = DhakaTime.StartOfDayUtc(to.AddDays(1));
        var entries = db.LedgerEntries.AsNoTracking().Where(e => e.WalletId == walletId);
        var opening = await entries.Where(e => e.AtUtc < startUtc).OrderByDescending(e => e.Id)
            .Select(e => (long?)e.BalanceAfterPoisha).FirstOrDefaultAsync(ct) ?? 0;
        var lines = await entries.Where(e => e.AtUtc >= startUtc && e.AtUtc < endUtc).OrderBy(e => e.Id)
            .Select(e => new StatementLine(e.Id, e.AtUtc, e.Kind, new Money(e.AmountPoisha), new Money(e.BalanceAfterPoisha), e.Memo, e.Reference, e.RechargeId, e.ActorEmail))
            .ToListAsync(ct);
        var closing = lines.Count > 0 ? lines[^1].BalanceAfter : new Money(opening);
        return new Statement(walletId, wallet.Email ?? "", from, to, new Money(opening), closing, new Money(wallet.BalancePoisha), lines);
    }

    // ---- Mechanics ----

    private async Task<WalletResult> ApplyAsync(
        PortalDbContext db, long walletId, LedgerKind kind, Money signedAmount, string memo, string? actorId, string actorEmail,
        string? reference = null, long? rechargeId = null, long? auditEntryId = null, string? requestId = null, CancellationToken ct = default,
        string? transferId = null)
    {
        var delta = signedAmount.Poisha;
        // The balance check and the change are one SQL statement: no read-modify-write in C#.
        var changed = await db.Wallets
            .Where(w => w.Id == walletId && w.BalancePoisha + delta >= 0)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.BalancePoisha, w => w.BalancePoisha + delta), ct);
        var balance = new Money(await db.Wallets.Where(w => w.Id == walletId).Select(w => w.BalancePoisha).SingleAsync(ct));
        if (changed == 0)
        {
            return new WalletResult(WalletOutcome.InsufficientBalance, balance, Ui.Text("The wallet holds only {0}.", Display.Money(balance)));
        }

        db.LedgerEntries.Add(LedgerEntry.Create(
            walletId, kind, signedAmount, balance, time.GetUtcNow().UtcDateTime, actorId, actorEmail, memo, reference, rechargeId, auditEntryId, requestId, transferId));
        await db.SaveChangesAsync(ct);
        return new WalletResult(WalletOutcome.Applied, balance);
    }

    /// <param name="walletId">For commission, which is paid once per recharge and wallet (the placer's, and each ancestor's margin).</param>
    private static Task<LedgerEntry?> FindRechargeEntryAsync(PortalDbContext db, long rechargeId, LedgerKind kind, CancellationToken ct, long? walletId = null) =>
        db.LedgerEntries.AsNoTracking().FirstOrDefaultAsync(e => e.RechargeId == rechargeId && e.Kind == kind && (walletId == null || e.WalletId == walletId), ct);

    private static Task<WalletResult> InCallerTransactionAsync(PortalDbContext db, Func<Task<WalletResult>> act, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Wallet changes run inside the caller's transaction; begin one first.");
        }

        return act();
    }

    private async Task<WalletResult> InOwnTransactionAsync(Func<PortalDbContext, Task<WalletResult>> act, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var result = await act(db);
            if (result.Outcome == WalletOutcome.Applied)
            {
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(ct);
            }

            return result;
        }
        catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
        {
            // A unique key (one refund / one commission per recharge, one request id) caught a duplicate.
            logger.LogWarning("Duplicate wallet change refused by the database: {Message}", e.InnerException?.Message);
            await tx.RollbackAsync(ct);
            return new WalletResult(WalletOutcome.AlreadyApplied, Money.Zero);
        }
    }
}
