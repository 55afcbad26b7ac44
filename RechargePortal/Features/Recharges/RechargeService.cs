using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Offers;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Providers;
using RechargePortal.Providers.CallLog;
using RechargePortal.Security;

namespace RechargePortal.Features.Recharges;

/// <summary>The offer pack an amount buys instead of balance.</summary>
public sealed record PackMatch(long Id, string Description, Money VendorCommission, string Provider);

/// <summary>A recent recharge of the same number and amount.</summary>
public sealed record RecentRecharge(string Reference, DateTime CreatedAtUtc, RechargeStatus Status);

/// <summary>What the confirm dialog shows before any money moves.</summary>
public sealed record RechargeQuote(
    RechargeOrder Order, Money Commission, Money Balance, Money BalanceAfter, PackMatch? Pack, RecentRecharge? Duplicate)
{
    public bool Affordable => BalanceAfter.Poisha >= 0;
}

/// <summary>Errors by field (<see cref="RechargeFields"/>), or a general <see cref="Error"/>; else a quote.</summary>
public sealed record QuoteResult(RechargeQuote? Quote, IReadOnlyDictionary<string, string> Errors, string? Error = null)
{
    public bool Succeeded => Quote is not null;
}

/// <summary>What became of a placement: what an API answers it with.</summary>
public enum PlaceOutcome
{
    /// <summary>Nothing was placed or held: <see cref="PlaceResult.Errors"/> per field, <see cref="PlaceResult.Error"/>, or a <see cref="PlaceResult.Refusal"/>.</summary>
    Refused,

    /// <summary>A new recharge, its amount held and its sending started (an API answers 202).</summary>
    Created,

    /// <summary>The same order again (client request id, or reference with the same content): the recharge it already made, nothing held or sent again (200).</summary>
    Existing,

    /// <summary>The reference already named a different order (<see cref="PlaceResult.Reference"/> is that recharge's): nothing changed (409).</summary>
    Conflict,
}

/// <param name="Refusal">The rule that refused it, when one did; an abuse limit (an API answers 429) also sets <paramref name="RetryAfter"/>: when it may be tried again.</param>
public sealed record PlaceResult(
    long? RechargeId, string? Reference, IReadOnlyDictionary<string, string> Errors, string? Error = null, RecentRecharge? DuplicateOf = null,
    PlaceRefusal? Refusal = null, TimeSpan? RetryAfter = null)
{
    /// <summary>A recharge stands for this order: <see cref="PlaceOutcome.Created"/> or <see cref="PlaceOutcome.Existing"/>.</summary>
    public bool Succeeded => RechargeId is not null;

    public PlaceOutcome Outcome { get; init; }

    internal static PlaceResult Placed(long id, string reference, PlaceOutcome outcome) =>
        new(id, reference, new Dictionary<string, string>()) { Outcome = outcome };

    internal static PlaceResult Refused(string error, string? field = null, PlaceRefusal? refusal = null) =>
        new(null, null, field is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [field] = error }, field is null ? error : null, Refusal: refusal);

    internal static PlaceResult Limited(PlaceRefusal refusal, string error, TimeSpan retryAfter) =>
        new(null, null, new Dictionary<string, string>(), error, Refusal: refusal, RetryAfter: retryAfter);

    /// <summary>The message, wherever the refusal put it.</summary>
    internal string Why => Error ?? string.Join(" ", Errors.Values);
}

/// <summary>A recharge as its pages (and the API) show it.</summary>
/// <param name="ClientReference">The reseller's own reference, when placed through the API.</param>
/// <param name="BalanceAfter">The reseller's balance right after this recharge last moved money (its hold, refund or commission).</param>
public sealed record RechargeView(
    long Id, string Reference, string Number, MobileOperator Operator, NumberType NumberType, Money Amount, Money Commission,
    string? OfferPack, RechargeStatus Status, string? StatusReason, DateTime CreatedAtUtc, DateTime? CompletedAtUtc,
    string? Provider, string? OperatorTrxId, string ResellerEmail, string? ClientReference, Money? BalanceAfter)
{
    public string StatusText => RechargeStatusText.For(Status);
}

public sealed class HistoryFilter
{
    /// <summary>Part of the number, in any form a person types.</summary>
    public string? Number { get; set; }

    /// <summary>One of <see cref="RechargeStatusText.Shown"/>, or null for all.</summary>
    public string? Status { get; set; }

    /// <summary>Bangladesh days, inclusive.</summary>
    public DateOnly? From { get; set; }

    public DateOnly? To { get; set; }
}

/// <summary>
/// Recharges as people see them: the quote before paying, placing an order (recharge + hold in one
/// transaction, at most once per client request id), history, and the admin's review queue.
/// Sending and status checks are <see cref="RechargeProcessor"/>'s.
/// </summary>
public sealed class RechargeService(
    IDbContextFactory<PortalDbContext> dbs,
    WalletService wallets,
    CommissionService commissions,
    OfferPackService offers,
    RechargeProcessor processor,
    RechargeNotifier notifier,
    ActiveUserGuard guard,
    IOptions<RechargeOptions> options,
    IOptions<RateLimitOptions> rateLimits,
    TimeProvider time)
{
    private RechargeOptions Options => options.Value;

    private RateLimitOptions Limits => rateLimits.Value;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Checks the form and works out what the confirm dialog shows, from the reseller's own wallet. Changes nothing.</summary>
    public async Task<QuoteResult> QuoteAsync(Actor reseller, RechargeForm form, CancellationToken ct = default)
    {
        var resellerId = reseller.UserId;
        var packs = await offers.ActiveAsync(new OfferFilter(), ct);
        var errors = RechargeRules.Validate(form, Options.EffectiveAmountRules, (op, type, amount) => FindPack(packs, op, type, amount) is not null, out var order);
        if (order is not null && form.OfferPackId is { } packId && CheckPackChoice(packs, packId, order) is { } packError)
        {
            errors = new Dictionary<string, string>(errors) { [RechargeFields.OfferPackId] = packError };
            order = null;
        }

        if (order is null)
        {
            return new QuoteResult(null, errors);
        }

        var pack = FindPack(packs, order.Operator, order.NumberType, order.Amount, form.OfferPackId);
        var commission = await commissions.EarnsAsync(resellerId, order.Operator, order.NumberType, order.Amount, pack?.VendorCommission, ct);
        var wallet = await wallets.FindByUserForSystemAsync(resellerId, ct);
        if (wallet is null)
        {
            return new QuoteResult(null, errors, Ui.Text("This account has no wallet. Ask an admin."));
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var duplicate = await RecentDuplicateAsync(db, resellerId, order, ct);
        return new QuoteResult(new RechargeQuote(order, commission, wallet.Balance, wallet.Balance - order.Amount, pack, duplicate), errors);
    }

    /// <summary>Quick amounts offered on the form for an operator and type (within its limits).</summary>
    public IReadOnlyList<Money> QuickAmounts(MobileOperator? op, NumberType type)
    {
        var limits = AmountLimits.For(Options.EffectiveAmountRules, op ?? MobileOperator.Robi, type);
        return new long[] { 20, 30, 50, 100, 200, 300, 500, 1000 }.Select(Money.FromTaka).Where(m => m >= limits.Min && m <= limits.Max).ToList();
    }

    /// <summary>Active offer packs for an operator and type, cheapest first (the form's pick-a-pack list).</summary>
    public async Task<IReadOnlyList<OfferPack>> PacksAsync(MobileOperator op, NumberType type, CancellationToken ct = default) =>
        (await offers.ActiveAsync(new OfferFilter { Operator = op }, ct)).Where(p => p.NumberType == type)
            .GroupBy(p => p.PricePoisha).Select(g => g.First()).ToList();

    /// <summary>
    /// Creates the recharge and holds its amount in one transaction, then sends it in the
    /// background. The same <paramref name="clientRequestId"/> again returns the same recharge.
    /// </summary>
    public async Task<PlaceResult> PlaceAsync(Actor reseller, RechargeForm form, string clientRequestId, bool confirmDuplicate, CancellationToken ct = default)
    {
        var result = await CreateAsync(reseller, form, clientRequestId, null, null, confirmDuplicate, ct);
        if (result.RechargeId is { } id)
        {
            processor.StartDispatch(id);
        }

        return result;
    }

    /// <summary>
    /// Places an order under the reseller's own <paramref name="reference"/> (the API's door into the same placement):
    /// <see cref="PlaceOutcome.Created"/> and sending started; the same reference with the same order again, also when
    /// the two race, <see cref="PlaceOutcome.Existing"/> with that recharge as it is now (never a second hold or send,
    /// and not counted as an attempt by the per-minute limit); the same reference with another order
    /// <see cref="PlaceOutcome.Conflict"/>, nothing changed. A reference breaking its rule is an error on
    /// <see cref="RechargeFields.Reference"/>. No "same number and amount again?" question: the reference is the
    /// client's word on what is a repeat.
    /// </summary>
    /// <param name="apiKeyId">The API key it came through: the recharge's callbacks go to that key's URL.</param>
    public async Task<PlaceResult> PlaceByReferenceAsync(Actor reseller, string reference, RechargeForm form, long? apiKeyId = null, CancellationToken ct = default)
    {
        if (RechargeRules.CheckClientReference(reference) is { } invalid)
        {
            return PlaceResult.Refused(invalid, RechargeFields.Reference);
        }

        // The reference is the idempotency key; the request id only has to be unique.
        var result = await CreateAsync(reseller, form, Guid.NewGuid().ToString("N"), reference, apiKeyId, confirmDuplicate: true, ct);
        if (result is { Outcome: PlaceOutcome.Created, RechargeId: { } id })
        {
            processor.StartDispatch(id);
        }

        return result;
    }

    /// <summary>As <see cref="PlaceAsync"/>, but waits until the provider answered the submission (tests, API).</summary>
    public async Task<PlaceResult> PlaceAndSendAsync(Actor reseller, RechargeForm form, string clientRequestId, bool confirmDuplicate, CancellationToken ct = default)
    {
        var result = await CreateAsync(reseller, form, clientRequestId, null, null, confirmDuplicate, ct);
        if (result.RechargeId is { } id)
        {
            await processor.DispatchAsync(id, ct);
        }

        return result;
    }

    private async Task<PlaceResult> CreateAsync(
        Actor reseller, RechargeForm form, string clientRequestId, string? clientReference, long? apiKeyId, bool confirmDuplicate, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(clientRequestId) || clientRequestId.Length > 64)
        {
            throw new ArgumentException("A client request id is required.", nameof(clientRequestId));
        }

        // Same order again (double click, resubmit, reconnected circuit): the recharge it made.
        if (await FindByRequestAsync(reseller.UserId, clientRequestId, ct) is { } placed)
        {
            return placed;
        }

        // The reference already used: answered before any limit, so a repeat is never an attempt.
        if (clientReference is not null)
        {
            await using var read = await dbs.CreateDbContextAsync(ct);
            if (await FindByReferenceAsync(read, reseller.UserId, clientReference, form, ct) is { } repeat)
            {
                return repeat;
            }
        }

        // Over the per-minute limit already: refused by a read, so a client hammering past it never waits for the write lock.
        await using (var read = await dbs.CreateDbContextAsync(ct))
        {
            if (await PlacementLimits.PerMinuteAsync(read, reseller.UserId, Limits, Now, ct) is { } limited)
            {
                // A parallel request under this reference may have committed since the read above, and be what the limit counted:
                // then it is this request's answer, not a refusal (a client told 429 might try again under a new reference).
                return clientReference is not null && await FindByReferenceAsync(read, reseller.UserId, clientReference, form, ct) is { } repeat
                    ? repeat
                    : limited;
            }
        }

        var quote = await QuoteAsync(reseller, form, ct);
        if (quote.Quote is not { } q)
        {
            // An amount that reads as money but is refused is the amount rule's refusal, not a typing error.
            var amountRule = quote.Errors.ContainsKey(RechargeFields.Amount) && Money.TryParse(form.Amount, out _, out _) ? PlaceRefusal.AmountRule : (PlaceRefusal?)null;
            return new PlaceResult(null, null, quote.Errors, quote.Error, Refusal: amountRule);
        }

        var order = q.Order;
        var now = Now;
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            // One placement of this reseller at a time (their limits and balance); other resellers' go on beside it.
            await using var tx = await db.BeginWriteAsync(WriteScope.Reseller(reseller.UserId), ct);
            if (await db.Set<Recharge>().AsNoTracking().Where(r => r.ClientRequestId == clientRequestId)
                    .Select(r => new { r.Id, r.Reference, r.ResellerId }).SingleOrDefaultAsync(ct) is { } existing)
            {
                return existing.ResellerId == reseller.UserId
                    ? PlaceResult.Placed(existing.Id, existing.Reference, PlaceOutcome.Existing)
                    : PlaceResult.Refused(Ui.Text("This order was already used. Reload the page."));
            }

            // Read again under the write lock: a parallel request with the same reference that committed first is this one's answer
            // (before the limits and the balance, which that recharge itself may now exhaust).
            if (clientReference is not null && await FindByReferenceAsync(db, reseller.UserId, clientReference, form, ct) is { } repeat)
            {
                return repeat;
            }

            if (!await guard.IsActiveInRoleAsync(db, reseller, Roles.Reseller, ct))
            {
                return PlaceResult.Refused(Ui.Text("Your account cannot recharge now (locked or signed out). Nothing was charged."), refusal: PlaceRefusal.AccountInactive);
            }

            var walletId = await db.Wallets.Where(w => w.UserId == reseller.UserId).Select(w => (long?)w.Id).SingleOrDefaultAsync(ct);
            if (walletId is null)
            {
                return PlaceResult.Refused(Ui.Text("This account has no wallet. Ask an admin."));
            }

            // Counted again under the write lock: concurrent placements queue here, so the limit holds exactly.
            if (await PlacementLimits.PerMinuteAsync(db, reseller.UserId, Limits, now, ct) is { } limitedNow)
            {
                return limitedNow;
            }

            // From here on every refusal is an attempt: recorded (in English, as the database keeps words) and committed, while its recharge (if any) is not.
            async Task<PlaceResult> RefuseAsync(Func<PlaceResult> refusal)
            {
                var recorded = PortalLanguage.In(LanguageChoice.English, refusal);
                await PlacementLimits.RecordRefusalAsync(db, reseller.UserId, recorded.Why, now, ct);
                await tx.CommitAsync(ct);
                return refusal();
            }

            if (await PlacementLimits.FailedTodayAsync(db, reseller.UserId, Limits, time, ct) is { } capped)
            {
                var failedCap = Limits.FailedRechargesPerResellerPerDay;
                return await RefuseAsync(() => capped with { Error = RechargeWording.TooManyFailed(failedCap) });
            }

            var dayStart = DhakaTime.StartOfDayUtc(DhakaTime.Today(time));
            var today = db.Set<Recharge>().Where(r => r.ResellerId == reseller.UserId && r.CreatedAtUtc >= dayStart && r.Status != RechargeStatus.Failed);
            var countToday = await today.CountAsync(ct);
            if (countToday >= Options.DailyCountLimit)
            {
                var countLimit = Options.DailyCountLimit;
                return await RefuseAsync(() => PlaceResult.Refused(
                    Ui.Text("You have reached today's limit of {0} recharges. It resets at midnight (Bangladesh time).", Display.Digits(countLimit.ToString(CultureInfo.InvariantCulture))),
                    refusal: PlaceRefusal.DailyLimit));
            }

            var amountToday = new Money(await today.SumAsync(r => (long?)r.AmountPoisha, ct) ?? 0);
            var dailyLimit = Money.FromTaka(Options.DailyAmountLimit);
            if (amountToday + order.Amount > dailyLimit)
            {
                var left = dailyLimit - amountToday;
                return await RefuseAsync(() => PlaceResult.Refused(
                    Ui.Text("That is over today's limit of {0}: {1} left until midnight (Bangladesh time).", Display.Money(dailyLimit), Display.Money(left.IsPositive ? left : Money.Zero)),
                    RechargeFields.Amount, PlaceRefusal.DailyLimit));
            }

            if (!confirmDuplicate && await RecentDuplicateAsync(db, reseller.UserId, order, ct) is { } duplicate)
            {
                return new PlaceResult(null, null, new Dictionary<string, string>(),
                    Ui.Text("{0} got {1} at {2} ({3}). Confirm to send it again.", Display.Digits(MobileNumber.Display(order.Number)), Display.Money(order.Amount),
                        DhakaTime.Format(duplicate.CreatedAtUtc), duplicate.Reference),
                    duplicate);
            }

            const string beforeRecharge = "BeforeRecharge";
            await tx.CreateSavepointAsync(beforeRecharge, ct);
            var recharge = Recharge.Create(
                RechargeWording.NewReference(now), clientRequestId, reseller.UserId, walletId.Value, order, q.Commission, q.Pack?.Description, now, clientReference, apiKeyId,
                q.Pack?.VendorCommission, q.Pack?.Provider);
            db.Add(recharge);
            await db.SaveChangesAsync(ct);
            var hold = await wallets.HoldAsync(db, reseller.UserId, recharge.Id, order.Amount,
                RechargeWording.HoldMemo(order.Number, order.Operator, order.NumberType, recharge.Reference), ct);
            if (hold.Outcome != WalletOutcome.Applied)
            {
                await tx.RollbackToSavepointAsync(beforeRecharge, ct);
                db.ChangeTracker.Clear();
                return await RefuseAsync(() => PlaceResult.Refused(
                    hold.Outcome == WalletOutcome.InsufficientBalance
                        ? Ui.Text("Your wallet holds only {0}. Nothing was charged.", Display.Money(hold.BalanceAfter))
                        : hold.Error ?? Ui.Text("The wallet refused the hold."),
                    RechargeFields.Amount, hold.Outcome == WalletOutcome.InsufficientBalance ? PlaceRefusal.InsufficientBalance : null));
            }

            await tx.CommitAsync(ct);
            notifier.Notify(new RechargeChange(recharge.Id, reseller.UserId, recharge.Status));
            return PlaceResult.Placed(recharge.Id, recharge.Reference, PlaceOutcome.Created);
        }
        catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
        {
            // The same client request id, or reseller and reference, committed by a parallel request: that one is the recharge.
            if (await FindByRequestAsync(reseller.UserId, clientRequestId, ct) is { } sameRequest)
            {
                return sameRequest;
            }

            if (clientReference is not null)
            {
                await using var read = await dbs.CreateDbContextAsync(ct);
                if (await FindByReferenceAsync(read, reseller.UserId, clientReference, form, ct) is { } sameReference)
                {
                    return sameReference;
                }
            }

            return PlaceResult.Refused(Ui.Text("The recharge could not be saved. Nothing was charged; try again."));
        }
    }

    private async Task<PlaceResult?> FindByRequestAsync(string resellerId, string clientRequestId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var found = await db.Set<Recharge>().AsNoTracking().Where(r => r.ClientRequestId == clientRequestId && r.ResellerId == resellerId)
            .Select(r => new { r.Id, r.Reference }).SingleOrDefaultAsync(ct);
        return found is null ? null : PlaceResult.Placed(found.Id, found.Reference, PlaceOutcome.Existing);
    }

    /// <summary>The reseller's recharge under this reference: <see cref="PlaceOutcome.Existing"/> when it is the same order as the form, else <see cref="PlaceOutcome.Conflict"/>; null when there is none.</summary>
    private static async Task<PlaceResult?> FindByReferenceAsync(PortalDbContext db, string resellerId, string clientReference, RechargeForm form, CancellationToken ct)
    {
        var found = await db.Set<Recharge>().AsNoTracking().Where(r => r.ResellerId == resellerId && r.ClientReference == clientReference)
            .Select(r => new { r.Id, r.Reference, r.Number, r.Operator, r.NumberType, r.AmountPoisha }).SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }

        return RechargeRules.IsSameOrder(form, new RechargeOrder(found.Number, found.Operator, found.NumberType, new Money(found.AmountPoisha)))
            ? PlaceResult.Placed(found.Id, found.Reference, PlaceOutcome.Existing)
            : new PlaceResult(null, found.Reference, new Dictionary<string, string>(), RechargeWording.ReferenceReused(clientReference, found.Reference))
            {
                Outcome = PlaceOutcome.Conflict,
            };
    }

    private async Task<RecentRecharge?> RecentDuplicateAsync(PortalDbContext db, string resellerId, RechargeOrder order, CancellationToken ct)
    {
        if (Options.DuplicateWindowMinutes == 0)
        {
            return null;
        }

        var since = Now.AddMinutes(-Options.DuplicateWindowMinutes);
        return await db.Set<Recharge>().AsNoTracking()
            .Where(r => r.ResellerId == resellerId && r.Number == order.Number && r.AmountPoisha == order.Amount.Poisha
                        && r.CreatedAtUtc >= since && r.Status != RechargeStatus.Failed)
            .OrderByDescending(r => r.Id)
            .Select(r => new RecentRecharge(r.Reference, r.CreatedAtUtc, r.Status))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>Why the pack a client named cannot be this order, or null when it is the pack the order's amount buys.</summary>
    private static string? CheckPackChoice(IReadOnlyList<OfferPack> packs, long packId, RechargeOrder order)
    {
        var chosen = packs.FirstOrDefault(p => p.Id == packId);
        if (chosen is null)
        {
            return "No active offer pack has this id (packs change; list them again).";
        }

        if (chosen.Operator != order.Operator || chosen.NumberType != order.NumberType)
        {
            return $"This pack is for {chosen.Operator} {RechargeRules.Label(chosen.NumberType)}, not {order.Operator} {RechargeRules.Label(order.NumberType)}.";
        }

        return chosen.PricePoisha == order.Amount.Poisha ? null : $"This pack costs {new Money(chosen.PricePoisha)}: send that amount.";
    }

    /// <summary>The pack the amount buys: the one the client chose (<paramref name="chosenId"/>), else the first listed at that price.</summary>
    private static PackMatch? FindPack(IReadOnlyList<OfferPack> packs, MobileOperator op, NumberType type, Money amount, long? chosenId = null) =>
        packs.Where(p => p.Operator == op && p.NumberType == type && p.PricePoisha == amount.Poisha)
            .OrderBy(p => p.Id == chosenId ? 0 : 1)
            .Select(p => new PackMatch(p.Id, p.Describe(), new Money(p.CommissionPoisha), p.Provider))
            .FirstOrDefault();

    // ---- Reading ----

    /// <summary>
    /// One recharge: any, as staff see it, for an active admin or auditor; only their own, as they see it, for a reseller
    /// (another's, or one that does not exist, is refused). Null when a reader asks for one that does not exist.
    /// </summary>
    public async Task<RechargeView?> FindAsync(Actor actor, long id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var owner = await db.Set<Recharge>().Where(r => r.Id == id).Select(r => r.ResellerId).SingleOrDefaultAsync(ct);
        await guard.DemandOwnerOrReaderAsync(db, actor, owner, "a recharge", ct);
        var forStaff = await guard.IsReaderAsync(db, actor, ct);
        return await Views(db, db.Set<Recharge>().Where(r => r.Id == id), forStaff).SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// A reseller's own recharge by the portal's reference (<c>RC…</c>) or by the reseller's own reference, as the reseller
    /// sees it: null when the reseller has none such (another's is none such too). For an active reseller only.
    /// </summary>
    public async Task<RechargeView?> FindOwnAsync(Actor reseller, string? reference, string? clientReference, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await guard.DemandOwnerOrReaderAsync(db, reseller, reseller.UserId, "a reseller's recharges", ct);
        var own = db.Set<Recharge>().Where(r => r.ResellerId == reseller.UserId);
        own = reference is not null ? own.Where(r => r.Reference == reference) : own.Where(r => r.ClientReference == clientReference);
        return reference is null && clientReference is null ? null : await Views(db, own).SingleOrDefaultAsync(ct);
    }

    /// <summary>Active offer packs, one per operator, type and price (the price names the pack), cheapest first.</summary>
    public async Task<IReadOnlyList<OfferPack>> OffersAsync(MobileOperator? op, CancellationToken ct = default) =>
        (await offers.ActiveAsync(new OfferFilter { Operator = op }, ct))
            .GroupBy(p => (p.Operator, p.NumberType, p.PricePoisha)).Select(g => g.OrderBy(p => p.Id).First()).ToList();

    /// <summary>A reseller's recharges, newest first, one page, with the total matching the filter: for that reseller, or an active admin or auditor.</summary>
    public async Task<(IReadOnlyList<RechargeView> Rows, int Total)> HistoryAsync(
        Actor actor, string resellerId, HistoryFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await guard.DemandOwnerOrReaderAsync(db, actor, resellerId, "a reseller's recharges", ct);
        var query = db.Set<Recharge>().Where(r => r.ResellerId == resellerId);
        var digits = new string(Localization.BanglaDigits.ToLatin(filter.Number ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.StartsWith("880", StringComparison.Ordinal) && digits.Length > 3)
        {
            digits = digits[2..];
        }

        if (digits.Length > 0)
        {
            query = query.Where(r => r.Number.Contains(digits));
        }

        if (!string.IsNullOrEmpty(filter.Status))
        {
            var statuses = RechargeStatusText.Matching(filter.Status);
            query = query.Where(r => statuses.Contains(r.Status));
        }

        if (filter.From is { } from)
        {
            var fromUtc = DhakaTime.StartOfDayUtc(from);
            query = query.Where(r => r.CreatedAtUtc >= fromUtc);
        }

        if (filter.To is { } to)
        {
            var toUtc = DhakaTime.StartOfDayUtc(to.AddDays(1));
            query = query.Where(r => r.CreatedAtUtc < toUtc);
        }

        var total = await query.CountAsync(ct);
        var rows = await Views(db, query.OrderByDescending(r => r.Id).Skip(skip).Take(Math.Clamp(take, 1, 200))).ToListAsync(ct);
        return (rows, total);
    }

    public async Task<int> CountAsync(RechargeStatus status, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Set<Recharge>().CountAsync(r => r.Status == status, ct);
    }

    /// <param name="forStaff">Admins see the provider's own reason; resellers see <see cref="Recharge.ResellerNote"/> and no provider.</param>
    internal static IQueryable<RechargeView> Views(PortalDbContext db, IQueryable<Recharge> query, bool forStaff = false) =>
        query.Select(r => new RechargeView(
            r.Id, r.Reference, r.Number, r.Operator, r.NumberType, new Money(r.AmountPoisha), new Money(r.CommissionPoisha), r.OfferPack,
            r.Status, forStaff ? r.StatusReason : r.ResellerNote, r.CreatedAtUtc, r.CompletedAtUtc, forStaff ? r.Provider : null, r.OperatorTrxId,
            db.Users.Where(u => u.Id == r.ResellerId).Select(u => u.Email).FirstOrDefault() ?? "", r.ClientReference,
            db.LedgerEntries.Where(e => e.RechargeId == r.Id && e.WalletId == r.WalletId).OrderByDescending(e => e.Id)
                .Select(e => (Money?)new Money(e.BalanceAfterPoisha)).FirstOrDefault()));
}
