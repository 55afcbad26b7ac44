using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.BalanceRequests;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.BalanceRequests;

/// <summary>
/// A reseller asks the one above them for balance they paid for; the parent (or an admin, for a top-level reseller) approves —
/// the money moves once, as a transfer or a deposit — or rejects with a reason. Nobody else sees or decides it.
/// </summary>
public sealed class BalanceRequestServiceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private BalanceRequestService Requests => app.Services.GetRequiredService<BalanceRequestService>();

    private WalletService Wallets => app.Services.GetRequiredService<WalletService>();

    private async Task<(TreeReseller Parent, TreeReseller Child)> PairAsync(Money parentBalance)
    {
        var parent = await app.CreateResellerUnderAsync(null, name: "distributor");
        var child = await app.CreateResellerUnderAsync(parent, name: "dealer");
        await FundAsync(parent, parentBalance);
        return (parent, child);
    }

    private async Task FundAsync(TreeReseller reseller, Money amount)
    {
        if (amount.IsPositive)
        {
            var credit = await Wallets.CreditAsync(await app.AdminActorAsync(), reseller.WalletId, amount, null, "opening", Guid.NewGuid().ToString());
            Assert.True(credit.Succeeded, credit.Problem);
        }
    }

    private static string NewTransactionId() => "TX" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private async Task<long> SendAsync(TreeReseller requester, Money amount, PaymentMethod method = PaymentMethod.Bkash, string? transactionId = null)
    {
        transactionId ??= NewTransactionId();
        var sent = await Requests.SendAsync(requester.Actor, new NewBalanceRequest(amount, method, "01711000000", transactionId, "Eid stock"), Guid.NewGuid().ToString());
        Assert.True(sent.Succeeded, sent.Problem);
        await using var db = await app.DbAsync();
        return await db.Set<BalanceRequest>().Where(r => r.RequesterId == requester.UserId && r.TransactionId == transactionId).Select(r => r.Id).SingleAsync();
    }

    private async Task<long> BalanceAsync(TreeReseller r)
    {
        await using var db = await app.DbAsync();
        return await db.Wallets.Where(w => w.Id == r.WalletId).Select(w => w.BalancePoisha).SingleAsync();
    }

    private async Task<BalanceRequest> RequestAsync(long id)
    {
        await using var db = await app.DbAsync();
        return await db.Set<BalanceRequest>().AsNoTracking().SingleAsync(r => r.Id == id);
    }

    private async Task AssertLedgersAsync(params TreeReseller[] resellers)
    {
        foreach (var r in resellers)
        {
            await app.AssertLedgerConsistentAsync(r.WalletId);
        }
    }

    [Fact]
    public async Task A_request_goes_to_the_parent_or_for_a_top_level_reseller_to_the_admins_and_is_audited()
    {
        var (parent, child) = await PairAsync(Money.Zero);

        var toParent = await SendAsync(child, Money.FromTaka(500), PaymentMethod.Nagad);
        var toAdmins = await SendAsync(parent, Money.FromTaka(2_000), PaymentMethod.Bank);

        Assert.Equal(parent.UserId, (await RequestAsync(toParent)).ApproverId);
        Assert.Null((await RequestAsync(toAdmins)).ApproverId);
        Assert.Equal(BalanceRequestStatus.Pending, (await RequestAsync(toParent)).Status);
        Assert.Equal(parent.Email, await Requests.SendsToAsync(child.Actor));
        Assert.Equal(BalanceRequestService.TheAdmins, await Requests.SendsToAsync(parent.Actor));
        var pendingForParent = (await Requests.ToMeAsync(parent.Actor)).Pending;
        Assert.Equal([toParent], pendingForParent.Select(p => p.Request.Id));
        Assert.Contains(toAdmins, (await Requests.ToMeAsync(await app.AdminActorAsync())).Pending.Select(p => p.Request.Id));
        Assert.Equal([toParent], (await Requests.MineAsync(child.Actor)).Select(r => r.Id));
        await using var db = await app.DbAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.BalanceRequested && a.TargetId == toParent.ToString());
        Assert.Equal(child.UserId, audit.ActorId);
        Assert.Contains("৳500.00 by Nagad", audit.Details);
        Assert.Contains($"to {parent.Email}", audit.Details);
        // Asking moves no money.
        Assert.Equal(0, await BalanceAsync(child));
    }

    [Fact]
    public async Task The_same_method_and_transaction_id_twice_is_refused_whatever_the_case_and_spaces()
    {
        var (parent, child) = await PairAsync(Money.Zero);
        var other = await app.CreateResellerUnderAsync(parent, name: "other-dealer");
        var transactionId = NewTransactionId();
        await SendAsync(child, Money.FromTaka(500), PaymentMethod.Bkash, transactionId);

        var spaced = $" {transactionId[..4].ToLowerInvariant()} {transactionId[4..]} ";
        var again = await Requests.SendAsync(other.Actor, new NewBalanceRequest(Money.FromTaka(500), PaymentMethod.Bkash, "01800000000", spaced, null), Guid.NewGuid().ToString());
        var otherMethod = await Requests.SendAsync(child.Actor, new NewBalanceRequest(Money.FromTaka(500), PaymentMethod.Rocket, "01800000000", transactionId, null), Guid.NewGuid().ToString());

        Assert.False(again.Succeeded);
        Assert.Contains("already claimed", again.ErrorFor("TransactionId"));
        Assert.True(otherMethod.Succeeded, otherMethod.Problem);
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.Set<BalanceRequest>().CountAsync(r => r.Method == PaymentMethod.Bkash && r.TransactionKey == transactionId));
        // The unique index refuses it even past the service.
        var sql = $"""INSERT INTO "BalanceRequests" ("RequesterId", "AmountPoisha", "Method", "PaidFrom", "TransactionId", "TransactionKey", "Note", "Status", "CreatedAtUtc", "ClientRequestId") """
            + $"VALUES ('{other.UserId}', 100, 'Bkash', 'x', 'x', '{transactionId}', '', 'Pending', '2026-11-30 10:00:00', '{Guid.NewGuid()}')";
        var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlRawAsync(sql));
        Assert.Contains("unique", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_double_click_on_Send_request_sends_one_request_and_bad_fields_are_named()
    {
        var (_, child) = await PairAsync(Money.Zero);
        var clientId = Guid.NewGuid().ToString();
        var form = new NewBalanceRequest(Money.FromTaka(300), PaymentMethod.Cash, "Shop counter", NewTransactionId(), null);

        var first = await Requests.SendAsync(child.Actor, form, clientId);
        var second = await Requests.SendAsync(child.Actor, form, clientId);
        var empty = await Requests.SendAsync(child.Actor, new NewBalanceRequest(Money.Zero, null, " ", "  ", null), Guid.NewGuid().ToString());

        Assert.True(first.Succeeded, first.Problem);
        Assert.True(second.Succeeded, second.Problem);
        Assert.Single(await Requests.MineAsync(child.Actor));
        Assert.Equal(["Amount", "Method", "PaidFrom", "TransactionId"], empty.FieldErrors.Keys.Order());
    }

    [Fact]
    public async Task Approving_moves_the_amount_from_the_parent_as_a_transfer_and_audits_both_sides()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(1_000));
        var id = await SendAsync(child, Money.FromTaka(400));

        var preview = await Requests.PreviewApprovalAsync(parent.Actor, id);
        var approved = await Requests.ApproveAsync(parent.Actor, id);

        Assert.True(approved.Succeeded, approved.Problem);
        Assert.Equal((Money.FromTaka(1_000), Money.FromTaka(600), Money.Zero, Money.FromTaka(400)),
            (preview.YourBefore!.Value, preview.YourAfter!.Value, preview.TheirBefore, preview.TheirAfter));
        Assert.Equal(60_000, await BalanceAsync(parent));
        Assert.Equal(40_000, await BalanceAsync(child));
        var request = await RequestAsync(id);
        Assert.Equal((BalanceRequestStatus.Approved, parent.UserId), (request.Status, request.DecidedById));
        await using var db = await app.DbAsync();
        var entries = await db.LedgerEntries.Where(e => e.RequestId == BalanceRequest.MoneyMoveRequestId(id) || e.WalletId == child.WalletId).ToListAsync();
        var outEntry = Assert.Single(entries, e => e.Kind == LedgerKind.TransferOut);
        var inEntry = Assert.Single(entries, e => e.Kind == LedgerKind.TransferIn);
        Assert.Equal(outEntry.TransferId, inEntry.TransferId);
        Assert.Contains($"Balance request #{id} (bKash ", inEntry.Memo);
        Assert.Single(await db.AuditEntries.Where(a => a.Action == AuditActions.BalanceRequestApproved && a.TargetId == id.ToString() && a.ActorId == parent.UserId).ToListAsync());
        Assert.Single(await db.AuditEntries.Where(a => a.Action == AuditActions.BalanceSent && a.Id == outEntry.AuditEntryId).ToListAsync());
        Assert.Single(await db.AuditEntries.Where(a => a.Action == AuditActions.BalanceRequested && a.TargetId == id.ToString() && a.ActorId == child.UserId).ToListAsync());
        await AssertLedgersAsync(parent, child);
    }

    [Fact]
    public async Task An_admin_approves_a_top_level_resellers_request_as_a_deposit()
    {
        var (parent, _) = await PairAsync(Money.Zero);
        var id = await SendAsync(parent, Money.FromTaka(5_000), PaymentMethod.Bank, "BANK-REF 42");
        var admin = await app.AdminActorAsync();

        var preview = await Requests.PreviewApprovalAsync(admin, id);
        var approved = await Requests.ApproveAsync(admin, id);

        Assert.True(approved.Succeeded, approved.Problem);
        Assert.Null(preview.YourBefore);
        Assert.Equal(500_000, await BalanceAsync(parent));
        await using var db = await app.DbAsync();
        var deposit = await db.LedgerEntries.SingleAsync(e => e.WalletId == parent.WalletId);
        Assert.Equal((LedgerKind.Deposit, "Bank BANK-REF 42", BalanceRequest.MoneyMoveRequestId(id)), (deposit.Kind, deposit.Reference, deposit.RequestId));
        Assert.Equal(AuditActions.WalletCredited, (await db.AuditEntries.SingleAsync(a => a.Id == deposit.AuditEntryId)).Action);
        await AssertLedgersAsync(parent);
    }

    [Fact]
    public async Task Approvals_racing_each_other_move_the_money_once()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(1_000));
        var id = await SendAsync(child, Money.FromTaka(300));
        var top = await SendAsync(parent, Money.FromTaka(700), PaymentMethod.Rocket);
        var admin = await app.AdminActorAsync();

        var byParent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Requests.ApproveAsync(parent.Actor, id))));
        var byAdmins = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Requests.ApproveAsync(admin, top))));

        Assert.All(byParent.Concat(byAdmins), r => Assert.True(r.Succeeded, r.Problem));
        Assert.Single(byParent, r => r.Message!.StartsWith("Approved", StringComparison.Ordinal));
        Assert.Single(byAdmins, r => r.Message!.StartsWith("Approved", StringComparison.Ordinal));
        Assert.Equal(30_000, await BalanceAsync(child));
        // 1,000 deposited, 300 sent down, 700 deposited by the admins' approval.
        Assert.Equal(140_000, await BalanceAsync(parent));
        await using var db = await app.DbAsync();
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.WalletId == child.WalletId && e.Kind == LedgerKind.TransferIn));
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.RequestId == BalanceRequest.MoneyMoveRequestId(top)));
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.BalanceRequestApproved && (a.TargetId == id.ToString() || a.TargetId == top.ToString())));
        await AssertLedgersAsync(parent, child);
    }

    [Fact]
    public async Task A_parent_short_of_balance_cannot_approve_and_nothing_changes()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(100));
        var id = await SendAsync(child, Money.FromTaka(250));

        var preview = await Requests.PreviewApprovalAsync(parent.Actor, id);
        var refused = await Requests.ApproveAsync(parent.Actor, id);

        Assert.Equal("Your balance is only ৳100.00; this request needs ৳250.00.", preview.Problem);
        Assert.False(refused.Succeeded);
        Assert.Equal("Your balance is only ৳100.00. This request needs ৳250.00; nothing changed.", refused.Error);
        Assert.Equal(BalanceRequestStatus.Pending, (await RequestAsync(id)).Status);
        Assert.Equal(10_000, await BalanceAsync(parent));
        Assert.Equal(0, await BalanceAsync(child));
        await using var db = await app.DbAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.BalanceRequestApproved && a.TargetId == id.ToString()));
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.BalanceSent && a.ActorId == parent.UserId));

        // Funded, the same request goes through.
        await FundAsync(parent, Money.FromTaka(200));
        Assert.True((await Requests.ApproveAsync(parent.Actor, id)).Succeeded);
        Assert.Equal(5_000, await BalanceAsync(parent));
        await AssertLedgersAsync(parent, child);
    }

    [Fact]
    public async Task Reject_needs_a_reason_and_then_approve_is_refused_and_approve_then_reject_too()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(1_000));
        var rejectedId = await SendAsync(child, Money.FromTaka(100));
        var approvedId = await SendAsync(child, Money.FromTaka(200));

        var noReason = await Requests.RejectAsync(parent.Actor, rejectedId, "  ");
        var rejected = await Requests.RejectAsync(parent.Actor, rejectedId, "No such bKash payment reached me");
        var approveAfter = await Requests.ApproveAsync(parent.Actor, rejectedId);
        Assert.True((await Requests.ApproveAsync(parent.Actor, approvedId)).Succeeded);
        var rejectAfter = await Requests.RejectAsync(parent.Actor, approvedId, "changed my mind");

        Assert.NotNull(noReason.ErrorFor("Reason"));
        Assert.True(rejected.Succeeded, rejected.Problem);
        Assert.Equal($"This request was rejected by {parent.Email}; it cannot be approved.", approveAfter.Error);
        Assert.Equal($"This request was approved by {parent.Email}; it cannot be rejected.", rejectAfter.Error);
        var mine = await Requests.MineAsync(child.Actor);
        Assert.Equal("No such bKash payment reached me", mine.Single(r => r.Id == rejectedId).RejectionReason);
        Assert.Equal(BalanceRequestStatus.Approved, mine.Single(r => r.Id == approvedId).Status);
        Assert.Equal(20_000, await BalanceAsync(child));
        await using var db = await app.DbAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.BalanceRequestRejected && a.TargetId == rejectedId.ToString());
        Assert.Equal(parent.UserId, audit.ActorId);
        Assert.EndsWith("No such bKash payment reached me", audit.Details);
        await AssertLedgersAsync(parent, child);
    }

    [Fact]
    public async Task A_sibling_another_parent_the_requester_itself_or_a_reseller_for_the_admins_cannot_see_or_decide_a_request()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(1_000));
        var (otherParent, otherChild) = await PairAsync(Money.FromTaka(1_000));
        var sibling = await app.CreateResellerUnderAsync(parent, name: "sibling");
        await FundAsync(sibling, Money.FromTaka(1_000));
        var id = await SendAsync(child, Money.FromTaka(100));
        var topLevel = await SendAsync(otherParent, Money.FromTaka(100));

        foreach (var outsider in new[] { sibling, otherParent, otherChild, child })
        {
            Assert.DoesNotContain(id, (await Requests.ToMeAsync(outsider.Actor)).Pending.Select(p => p.Request.Id));
            await Assert.ThrowsAsync<AccessRefusedException>(() => Requests.PreviewApprovalAsync(outsider.Actor, id));
            Assert.Equal(BalanceRequestService.NotYours, (await Requests.ApproveAsync(outsider.Actor, id)).Error);
            Assert.Equal(BalanceRequestService.NotYours, (await Requests.RejectAsync(outsider.Actor, id, "no")).Error);
        }

        // A top-level reseller's request is the admins', not another reseller's; an auditor decides nothing.
        Assert.Equal(BalanceRequestService.NotYours, (await Requests.ApproveAsync(parent.Actor, topLevel)).Error);
        Assert.DoesNotContain(topLevel, (await Requests.ToMeAsync(parent.Actor)).Pending.Select(p => p.Request.Id));
        var auditor = await app.NewActorAsync(Roles.Auditor);
        await Assert.ThrowsAsync<AccessRefusedException>(() => Requests.ToMeAsync(auditor));
        Assert.Equal(BalanceRequestService.NotYours, (await Requests.ApproveAsync(auditor, topLevel)).Error);

        Assert.Equal(BalanceRequestStatus.Pending, (await RequestAsync(id)).Status);
        Assert.Equal(BalanceRequestStatus.Pending, (await RequestAsync(topLevel)).Status);
        Assert.Equal(0, await BalanceAsync(child));
        await AssertLedgersAsync(parent, child, otherParent, otherChild, sibling);
    }

    [Fact]
    public async Task Over_HTTP_the_page_shows_a_request_to_its_parent_and_to_nobody_else()
    {
        var (parent, child) = await PairAsync(Money.FromTaka(1_000));
        var sibling = await app.CreateResellerUnderAsync(parent, name: "sibling");
        var (otherParent, _) = await PairAsync(Money.Zero);
        var transactionId = NewTransactionId();
        await SendAsync(child, Money.FromTaka(100), PaymentMethod.Bkash, transactionId);

        async Task<(HttpStatusCode, string)> PageAsync(TreeReseller who)
        {
            using var client = await app.SignedInClientAsync(who.Email, PortalAppFactory.UserPassword);
            var response = await client.GetAsync("/balance-requests");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var (parentStatus, parentPage) = await PageAsync(parent);
        var (childStatus, childPage) = await PageAsync(child);
        var (_, siblingPage) = await PageAsync(sibling);
        var (_, otherPage) = await PageAsync(otherParent);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (parentStatus, childStatus));
        Assert.Contains(transactionId, parentPage);
        Assert.Contains("Requests to me", parentPage);
        Assert.Contains(transactionId, childPage);
        Assert.DoesNotContain(transactionId, siblingPage);
        Assert.DoesNotContain(transactionId, otherPage);
        Assert.DoesNotContain(child.Email, otherPage);
    }
}
