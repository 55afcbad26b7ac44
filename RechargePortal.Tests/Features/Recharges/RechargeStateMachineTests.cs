using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>The lifecycle's moves as entity methods: anything the design does not allow throws.</summary>
public sealed class RechargeStateMachineTests
{
    private static readonly DateTime Now = new(2026, 11, 22, 6, 0, 0, DateTimeKind.Utc);

    private static Recharge New() => Recharge.Create(
        "RC261122-TEST", "req-1", "user-1", 1,
        new RechargeOrder("01712345678", MobileOperator.Grameenphone, NumberType.Prepaid, Money.FromTaka(100)), new Money(250), null, Now);

    private static Recharge Accepted()
    {
        var r = New();
        var attempt = r.BeginAttempt("Ecare", "ref-1", Now);
        r.MarkAccepted(attempt, "E1", Now, Now.AddSeconds(5), Now.AddMinutes(30));
        return r;
    }

    [Fact]
    public void A_final_recharge_never_changes_again()
    {
        var succeeded = Accepted();
        succeeded.MarkSucceeded("OP1", Now);
        Assert.Throws<InvalidOperationException>(() => succeeded.MarkFailed("late", "late", Now));
        Assert.Throws<InvalidOperationException>(() => succeeded.MarkSucceeded("again", Now));
        Assert.Throws<InvalidOperationException>(() => succeeded.RecordCheck("Pending", Now, Now, Now));

        var failed = Accepted();
        failed.MarkFailed("operator said no", "not delivered", Now);
        Assert.Throws<InvalidOperationException>(() => failed.MarkSucceeded(null, Now));
        Assert.Throws<InvalidOperationException>(() => failed.BeginAttempt("Flexi", "ref-2", Now));
    }

    [Fact]
    public void No_second_attempt_after_an_accepted_or_unknown_send()
    {
        var accepted = Accepted();
        Assert.Throws<InvalidOperationException>(() => accepted.BeginAttempt("Flexi", "ref-2", Now));

        var unknown = New();
        var attempt = unknown.BeginAttempt("Ecare", "ref-1", Now);
        unknown.MarkOutcomeUnknown(attempt, "timeout", Now, Now, Now.AddMinutes(30));
        Assert.Throws<InvalidOperationException>(() => unknown.BeginAttempt("Flexi", "ref-2", Now));
        Assert.False(unknown.OutcomeKnown);
    }

    [Fact]
    public void A_send_without_a_definite_refusal_cannot_be_failed()
    {
        var sending = New();
        sending.BeginAttempt("Ecare", "ref-1", Now);
        Assert.Throws<InvalidOperationException>(() => sending.MarkFailed("timeout", "timeout", Now));
        Assert.Throws<InvalidOperationException>(() => sending.BeginAttempt("Flexi", "ref-2", Now));
    }

    [Fact]
    public void A_safe_refusal_allows_the_next_provider_under_a_new_reference()
    {
        var r = New();
        var first = r.BeginAttempt("Ecare", "ref-1", Now);
        r.MarkRejected(first, "low balance", Now);
        var second = r.BeginAttempt("Flexi", "ref-2", Now);
        Assert.Equal(2, second.Sequence);
        Assert.Equal(RechargeStatus.Submitting, r.Status);
        Assert.Throws<InvalidOperationException>(() => r.MarkAccepted(first, null, Now, Now, Now));
    }

    [Fact]
    public void Checks_past_the_deadline_move_to_review_where_it_is_asked_again_every_15_minutes()
    {
        var r = Accepted();
        r.RecordCheck("Pending", Now.AddMinutes(29), Now.AddMinutes(34), Now.AddMinutes(44));
        Assert.Equal(RechargeStatus.Processing, r.Status);
        Assert.Equal(Now.AddMinutes(34), r.NextCheckAtUtc);

        r.RecordCheck("Pending", Now.AddMinutes(30), Now.AddMinutes(35), Now.AddMinutes(45));
        Assert.Equal(RechargeStatus.NeedsReview, r.Status);
        Assert.Equal(Now.AddMinutes(45), r.NextCheckAtUtc);

        r.MarkSucceeded(null, Now.AddHours(1));
        Assert.Equal(RechargeStatus.Succeeded, r.Status);
    }

    [Fact]
    public void Users_see_four_words()
    {
        Assert.Equal("Processing", RechargeStatusText.For(RechargeStatus.Created));
        Assert.Equal("Processing", RechargeStatusText.For(RechargeStatus.Submitting));
        Assert.Equal("Processing", RechargeStatusText.For(RechargeStatus.Processing));
        Assert.Equal("Successful", RechargeStatusText.For(RechargeStatus.Succeeded));
        Assert.Equal("Failed (refunded)", RechargeStatusText.For(RechargeStatus.Failed));
        Assert.Equal("Needs review", RechargeStatusText.For(RechargeStatus.NeedsReview));
    }
}
