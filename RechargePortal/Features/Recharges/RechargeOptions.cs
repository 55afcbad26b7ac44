using System.ComponentModel.DataAnnotations;
using RechargePortal.Providers;

namespace RechargePortal.Features.Recharges;

/// <summary>One amount rule. Empty <see cref="Operator"/> or <see cref="NumberType"/> matches any; a more specific rule wins.</summary>
public sealed class AmountRule
{
    public MobileOperator? Operator { get; set; }

    public NumberType? NumberType { get; set; }

    /// <summary>Whole taka.</summary>
    public long? Min { get; set; }

    /// <summary>Whole taka.</summary>
    public long? Max { get; set; }

    /// <summary>Only whole taka (no poisha).</summary>
    public bool? WholeTaka { get; set; }

    internal int Specificity => (Operator is null ? 0 : 2) + (NumberType is null ? 0 : 1);
}

/// <summary>The recharge pipeline's settings, section <c>Recharge</c>.</summary>
public sealed class RechargeOptions : IValidatableObject
{
    public const string Section = "Recharge";

    /// <summary>Amount limits; when the section is absent, <see cref="DefaultAmountRules"/>.</summary>
    public List<AmountRule> AmountRules { get; set; } = [];

    /// <summary>Recharges a reseller may place per Bangladesh day (Failed ones do not count).</summary>
    [Range(1, 1_000_000)]
    public int DailyCountLimit { get; set; } = 500;

    /// <summary>Whole taka a reseller may recharge per Bangladesh day (Failed ones do not count).</summary>
    [Range(1, 1_000_000_000)]
    public long DailyAmountLimit { get; set; } = 300_000;

    /// <summary>The same number and amount again within this many minutes asks for explicit confirmation.</summary>
    [Range(0, 1440)]
    public int DuplicateWindowMinutes { get; set; } = 5;

    /// <summary>Seconds between status checks, in order; the last repeats until the deadline.</summary>
    public List<int> CheckBackoffSeconds { get; set; } = [];

    /// <summary>A recharge without a final answer this long after it was sent goes to review.</summary>
    [Range(1, 7 * 24 * 60)]
    public int DeadlineMinutes { get; set; } = 30;

    /// <summary>
    /// How long after an unknown submission "no such recharge" is believed: a request that timed
    /// out may still arrive late. Before this, not-found or failed means "ask again". At least 2:
    /// a vendor's own queue can take a minute to show a request it received.
    /// </summary>
    [Range(2, 24 * 60, ErrorMessage = "Recharge:NotFoundGraceMinutes must be 2 to 1440: a shorter grace could refund a recharge that is still arriving.")]
    public int NotFoundGraceMinutes { get; set; } = 5;

    /// <summary>
    /// Status checks run at once, at most. Each waits on the vendor most of its time; 16 keeps SQLite's single writer busy
    /// with a 50 ms vendor (bench-backlog: 4 gave 66 checks/s, 16 and more about 200, the database's limit on 2 cores).
    /// The provider account's own <c>MaxConcurrentCalls</c> still caps what reaches each vendor.
    /// </summary>
    [Range(1, 64)]
    public int MaxConcurrentChecks { get; set; } = 16;

    /// <summary>Cron of the sweeper that checks whatever is due (a restart or a lost job loses nothing).</summary>
    public string SweepCron { get; set; } = "* * * * *";

    public static readonly IReadOnlyList<AmountRule> DefaultAmountRules =
    [
        new() { Min = 20, Max = 5_000, WholeTaka = true },
        new() { NumberType = Providers.NumberType.Postpaid, Max = 50_000 },
        new() { Operator = MobileOperator.Grameenphone, Min = 30 },
    ];

    public static readonly IReadOnlyList<int> DefaultBackoffSeconds = [5, 10, 20, 30, 60, 120, 300];

    public IReadOnlyList<AmountRule> EffectiveAmountRules => AmountRules.Count > 0 ? AmountRules : DefaultAmountRules;

    public IReadOnlyList<int> EffectiveBackoffSeconds => CheckBackoffSeconds.Count > 0 ? CheckBackoffSeconds : DefaultBackoffSeconds;

    /// <summary>The wait before check number <paramref name="checksDone"/> + 1.</summary>
    public TimeSpan BackoffAfter(int checksDone)
    {
        var steps = EffectiveBackoffSeconds;
        return TimeSpan.FromSeconds(steps[Math.Clamp(checksDone, 0, steps.Count - 1)]);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EffectiveBackoffSeconds.Any(s => s is < 1 or > 3600))
        {
            yield return new ValidationResult("Recharge:CheckBackoffSeconds must each be 1 to 3600.");
        }

        foreach (var rule in AmountRules)
        {
            if (rule.Min is < 1 || rule.Max is < 1 || rule.Min > rule.Max)
            {
                yield return new ValidationResult("Recharge:AmountRules: Min and Max are whole taka, at least 1, Min not above Max.");
            }
        }
    }
}
